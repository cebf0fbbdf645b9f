"""``prodready verify``: prove the probe contract on a running service, including faults.

The steps, each timed against the generated probe settings and the runtime's contract:

1. **startup** passes within ``failureThreshold x periodSeconds``;
2. **readiness** and **liveness** answer 200;
3. for each dependency, a **fault drill**: stop it → readiness 503 within refresh interval + check
   timeout, while liveness stays 200 throughout (a liveness probe that checks dependencies fails
   here: it would restart every pod during an outage); restart it → readiness recovers;
4. **shutdown**: SIGTERM with requests in flight → none of them fails, readiness turns 503 before
   the process exits, and it exits within the grace period.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from prodready import _contract as contract
from prodready.errors import ExternalToolError
from prodready.spec import Probes
from prodready.verify._http import Probe, probe
from prodready.verify._run import LocalRun

__all__ = ["Drill", "Step"]

# Polling and scheduling slack on top of interval + timeout: the probe loop's period plus the
# time a loaded 2-core machine needs to schedule the refresh.
_SLACK_S = 1.5
_POLL_S = 0.1
_IN_FLIGHT = 16
# How long a dependency stays down after readiness noticed: long enough for liveness probes to
# land inside the outage, short enough to keep a drill per dependency quick.
_HOLD_S = 3.0


@dataclass
class Step:
    """One verified claim: passed or not, how long it took, and what was observed."""

    name: str
    passed: bool
    seconds: float
    detail: str
    limit_s: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
            "limit_seconds": self.limit_s,
            "detail": self.detail,
        }


@dataclass
class _LivenessWatch:
    """Polls liveness in the background; every answer must be a success."""

    run: LocalRun
    path: str
    failures: list[str] = field(default_factory=list)
    polls: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> _LivenessWatch:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        timeout = float(self.run.spec.probes.timeout_s)
        while not self._stop.is_set():
            result = probe(self.run.host, self.run.port, self.path, timeout=timeout)
            self.polls += 1
            if not result.ok:
                self.failures.append(
                    f"liveness {self.path} answered {result.status or result.error}"
                )
            self._stop.wait(0.1)


class Drill:
    """Runs the verification steps against a started :class:`LocalRun`."""

    def __init__(
        self,
        run: LocalRun,
        *,
        probes: Probes | None = None,
        interval_s: float = contract.REFRESH_INTERVAL_S,
        check_timeout_s: float = contract.CHECK_TIMEOUT_S,
        on_step: Callable[[Step], None] | None = None,
    ) -> None:
        self.run = run
        # The probes under test; verify passes the spec's own, a test may pass a deliberately
        # wrong set to prove the drill catches it.
        self.probes = probes if probes is not None else run.spec.probes
        self.interval_s = interval_s
        self.check_timeout_s = check_timeout_s
        self.steps: list[Step] = []
        self._on_step = on_step or (lambda _step: None)

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(step.passed for step in self.steps)

    def not_started(self, error: ExternalToolError, seconds: float) -> Step:
        """Record that the stack or the app could not be started (a server, a build step)."""
        return self._record(Step("dependencies and app start", False, seconds, str(error)))

    def _record(self, step: Step) -> Step:
        self.steps.append(step)
        self._on_step(step)
        return step

    def _get(self, path: str) -> Probe:
        return probe(self.run.host, self.run.port, path, timeout=float(self.probes.timeout_s))

    def _wait_for(self, path: str, want_ok: bool, limit_s: float) -> tuple[bool, float, Probe]:
        started = time.monotonic()
        last = self._get(path)
        while last.ok != want_ok and time.monotonic() - started < limit_s:
            time.sleep(_POLL_S)
            last = self._get(path)
        return last.ok == want_ok, time.monotonic() - started, last

    def _holds(self, path: str, *, want_ok: bool, seconds: float) -> tuple[bool, str]:
        """Whether every probe of ``path`` for ``seconds`` answers as wanted, and what was seen."""
        started = time.monotonic()
        polls = 0
        while time.monotonic() - started < seconds:
            answer = self._get(path)
            polls += 1
            if answer.ok != want_ok:
                return False, (
                    f"{path} answered {answer.status or answer.error} after "
                    f"{time.monotonic() - started:.2f} s (probe {polls})"
                )
            time.sleep(_POLL_S)
        return True, f"{path}: {polls} probes, all {'200' if want_ok else '503'}"

    # --- the steps -----------------------------------------------------------------------------

    def startup(self) -> Step:
        limit = float(self.probes.startup_failure_threshold * self.probes.period_s)
        started = time.monotonic()
        try:
            seconds = self.run.wait_started()
        except ExternalToolError as exc:
            return self._record(
                Step("startup probe passes", False, time.monotonic() - started, str(exc), limit)
            )
        return self._record(
            Step("startup probe passes", True, seconds, f"{self.probes.startup} → 200", limit)
        )

    def serving(self) -> list[Step]:
        limit = self.interval_s + self.check_timeout_s + _SLACK_S
        steps = []
        for label, path in (
            ("readiness", self.probes.readiness),
            ("liveness", self.probes.liveness),
        ):
            ok, seconds, last = self._wait_for(path, True, limit)
            steps.append(
                self._record(
                    Step(
                        f"{label} answers 200",
                        ok,
                        seconds,
                        f"{path} → {last.status or last.error}",
                        limit,
                    )
                )
            )
        return steps

    def fault(self, name: str) -> list[Step]:
        """Stop dependency ``name``, watch readiness fall and liveness hold, restart, recover."""
        service = self.run.stack.services[name]
        limit = self.interval_s + self.check_timeout_s + _SLACK_S
        steps: list[Step] = []
        outage_started = time.monotonic()
        with _LivenessWatch(self.run, self.probes.liveness) as watch:
            # Timed from the moment the server is fully down (its ports closed): a broker's
            # controlled shutdown can keep answering for seconds after the signal.
            service.server.stop()
            stopped_at = time.monotonic()
            ok, seconds, last = self._wait_for(self.probes.readiness, False, limit)
            steps.append(
                self._record(
                    Step(
                        f"{name} down → readiness 503",
                        ok and last.status == 503,
                        seconds,
                        f"{self.probes.readiness} → {last.status or last.error}",
                        limit,
                    )
                )
            )
            # Each server worker keeps its own cache and refreshes on its own schedule, so for
            # up to interval + timeout after the outage began a probe served by another worker
            # may still say 200. From then on every answer must be 503 whichever worker serves
            # it, and the outage is held so the liveness watch gets a real window.
            settle = stopped_at + self.interval_s + self.check_timeout_s - time.monotonic()
            if settle > 0:
                time.sleep(settle)
            held_ok, held_detail = self._holds(
                self.probes.readiness, want_ok=False, seconds=_HOLD_S
            )
            steps.append(
                self._record(
                    Step(f"{name} still down → readiness stays 503", held_ok, _HOLD_S, held_detail)
                )
            )
            try:
                service.server.start()
            except ExternalToolError as exc:
                # the report still comes out, naming the server that would not come back
                steps.append(
                    self._record(Step(f"{name} back → readiness 200", False, 0.0, str(exc), limit))
                )
            else:
                ok, seconds, last = self._wait_for(self.probes.readiness, True, limit)
                steps.append(
                    self._record(
                        Step(
                            f"{name} back → readiness 200",
                            ok,
                            seconds,
                            f"{self.probes.readiness} → {last.status or last.error}",
                            limit,
                        )
                    )
                )
        detail = (
            f"{watch.polls} liveness probes, all 200"
            if not watch.failures
            else f"{len(watch.failures)} of {watch.polls} failed, first: {watch.failures[0]}"
        )
        steps.append(
            self._record(
                Step(
                    f"{name} outage → liveness stays 200",
                    not watch.failures,
                    time.monotonic() - outage_started,
                    detail,
                )
            )
        )
        return steps

    def shutdown(self) -> Step:
        """SIGTERM with requests in flight: none fails; readiness 503 before exit; exits in time."""
        web = self.run.web
        if web is None:
            return self._record(Step("graceful shutdown", False, 0.0, "the service is not running"))
        grace = float(contract.TERMINATION_GRACE_PERIOD_S)
        with ThreadPoolExecutor(max_workers=_IN_FLIGHT + 1) as pool:
            in_flight = [pool.submit(self._get, self.probes.liveness) for _ in range(_IN_FLIGHT)]
            time.sleep(_POLL_S)  # let the requests reach the server before the signal does
            started = time.monotonic()
            web.terminate()
            saw_draining = False
            while web.poll() is None and time.monotonic() - started < grace:
                if self._get(self.probes.readiness).status == 503:
                    saw_draining = True
                    break
                time.sleep(_POLL_S)
            results = [future.result() for future in in_flight]
        code = web.wait(max(0.0, grace - (time.monotonic() - started)))
        seconds = time.monotonic() - started
        failed = [r for r in results if not r.ok]
        problems = []
        if failed:
            problems.append(f"{len(failed)} of {len(results)} in-flight requests failed")
        if not saw_draining:
            problems.append("readiness never answered 503 between SIGTERM and exit")
        if code is None:
            problems.append(f"still running {grace:g} s after SIGTERM (terminationGracePeriod)")
        detail = "; ".join(problems) or (
            f"{len(results)} in-flight requests answered, readiness 503 while draining, "
            f"exit code {code}"
        )
        return self._record(Step("SIGTERM drains gracefully", not problems, seconds, detail, grace))

    def run_all(self) -> bool:
        """Every step in order; stops early only when the service never started."""
        if not self.startup().passed:
            return False
        self.serving()
        for name in sorted(self.run.stack.services):
            self.fault(name)
        self.shutdown()
        return self.passed
