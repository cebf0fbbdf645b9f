"""The runner: executes registered checks and keeps their latest results in memory.

Contract:

- Every run has a hard deadline (the check's ``timeout``). Past it the run is cancelled and the
  check reported UNHEALTHY, reason ``timeout``; the caller never waits longer, even for a check
  that ignores cancellation or a plain function stuck in its thread. Such a straggler is never
  run twice: until it ends, later runs report ``timeout`` at once (at most one stuck run per
  check).
- Any exception becomes UNHEALTHY, reason ``exception``, with a scrubbed, length-capped message.
- Checks run concurrently, each on its own interval. Once :meth:`HealthRunner.start` ran (the
  application's lifespan), results are refreshed in the background and a probe is answered from
  memory without waiting: a dependency sees one call per check per interval, whatever the probe
  rate. Before the first run a check is UNKNOWN (reason ``not-run-yet``), so readiness is 503.
- Without a started runner (mounted where no lifespan runs, or one-shot use) a probe refreshes
  the results older than their interval itself; concurrent probes share one execution per check
  (single flight), so the dependency load stays bounded and a probe waits at most the timeout.
- Thresholds damp flapping; a success slower than ``degraded_latency`` is DEGRADED.
- Startup checks are gates: once passed they stay passed and stop running (unless they also
  belong to readiness).
- Liveness never runs a dependency check: it reports the process itself (event-loop lag measured
  by a monitor task, busy and stuck check threads).
- Shutdown: :meth:`HealthRunner.drain` turns readiness 503 (reason ``draining``) at once while
  liveness stays 200. With ``handle_signals`` the runner drains on SIGTERM and passes the signal
  on to the server only ``drain_delay`` seconds later, so load balancers stop routing before the
  server stops accepting. :meth:`HealthRunner.stop` cancels everything and closes the checkers.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import FrameType, TracebackType
from typing import Any, Final

from prodready._contract import DRAIN_DELAY_S
from prodready._redact import scrub, scrub_details
from prodready.errors import RegistryError
from prodready.health._model import CheckResult, Degraded, HealthReport, Reason, Status, aggregate
from prodready.health._registry import LIVENESS, READINESS, STARTUP, CheckSpec, HealthRegistry

__all__ = ["EVENT_LOOP", "HealthRunner"]

# The liveness component's name; no registered check may take it.
EVENT_LOOP: Final = "event_loop"
_MAX_ERROR_CHARS: Final = 300
_STUCK: Final = "the previous run is still running past its timeout (it ignores cancellation)"


@dataclass(slots=True)
class _State:
    spec: CheckSpec
    result: CheckResult
    refreshed_at: float | None = None  # loop.time() of the last completed run
    failures: int = 0
    successes: int = 0
    passed_once: bool = False
    flight: asyncio.Task[CheckResult] | None = None
    straggler: asyncio.Task[Any] | None = None
    thread: Future[Any] | None = None
    loop_task: asyncio.Task[None] | None = None
    runs: int = 0

    def stuck(self) -> bool:
        task_stuck = self.straggler is not None and not self.straggler.done()
        return task_stuck or (self.thread is not None and not self.thread.done())


@dataclass(slots=True)
class _LagMonitor:
    samples: deque[float] = field(default_factory=lambda: deque(maxlen=20))
    task: asyncio.Task[None] | None = None


class HealthRunner:
    """Runs the checks of a :class:`HealthRegistry` and answers probes from their results.

    Use it as the application's lifespan (``async with runner:``), or call :meth:`start` and
    :meth:`stop` from an existing one. Options:

    - ``drain_delay`` (s, default ``DRAIN_DELAY_S``): how long readiness reports ``draining``
      before a SIGTERM reaches the server. 0 passes it on at once.
    - ``handle_signals`` (default True): drain on SIGTERM (main thread only; a second SIGTERM is
      passed on at once).
    - ``lag_interval`` / ``lag_degraded`` (s): the event-loop monitor samples every
      ``lag_interval``; liveness is DEGRADED (still 200) when a recent lag exceeds
      ``lag_degraded``. A blocked loop cannot answer a probe at all, so the lag never fails
      liveness by itself: the probe's own timeout does.
    - ``max_threads``: size of the pool plain (sync) checks run on.
    - ``secrets``: literal values scrubbed from every error and detail, on top of the patterns.
    """

    def __init__(
        self,
        registry: HealthRegistry,
        *,
        drain_delay: float = DRAIN_DELAY_S,
        handle_signals: bool = True,
        lag_interval: float = 0.5,
        lag_degraded: float = 1.0,
        max_threads: int = 4,
        secrets: Iterable[str] = (),
    ) -> None:
        if EVENT_LOOP in registry:
            raise RegistryError(
                f"health check name {EVENT_LOOP!r} is reserved for the liveness monitor",
                hint="rename the check",
            )
        for name, value in (("lag_interval", lag_interval), ("lag_degraded", lag_degraded)):
            if value <= 0:
                raise ValueError(f"{name} must be > 0 seconds, got {value!r}")
        if drain_delay < 0:
            raise ValueError(f"drain_delay must be >= 0 seconds, got {drain_delay!r}")
        self.registry = registry
        self.drain_delay = float(drain_delay)
        self.handle_signals = handle_signals
        self.lag_interval = float(lag_interval)
        self.lag_degraded = float(lag_degraded)
        self.max_threads = max_threads
        self.secrets = tuple(s for s in secrets if s)
        self._states: dict[str, _State] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._lag = _LagMonitor()
        self._running = False
        self._draining_since: float | None = None
        self._previous_sigterm: Any = None
        self._sigterm_installed = False

    # --- lifecycle ------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`: results refresh in the background."""
        return self._running

    @property
    def draining(self) -> bool:
        """True once shutdown began: readiness answers 503, reason ``draining``."""
        return self._draining_since is not None

    async def start(self) -> None:
        """Start the background refresh of every check and the event-loop monitor.

        Returns at once: the first runs happen in the background, checks are UNKNOWN until then.
        Idempotent. The registry refuses new checks until :meth:`stop`.
        """
        if self._running:
            return
        self._running = True
        self._draining_since = None
        self.registry._freeze(type(self).__name__)
        loop = asyncio.get_running_loop()
        for spec in self.registry:
            state = self._state(spec.name)
            state.loop_task = loop.create_task(
                self._refresh_loop(state), name=f"health:{spec.name}"
            )
        self._lag.task = loop.create_task(self._monitor_lag(), name="health:event-loop-lag")
        if self.handle_signals:
            self._install_sigterm(loop)

    def drain(self) -> None:
        """Begin draining: readiness reports UNHEALTHY (``draining``) from now on. Idempotent."""
        if self._draining_since is None:
            self._draining_since = time.monotonic()

    async def stop(self) -> None:
        """Drain (readiness 503 from here on), then stop everything. Idempotent.

        The drain delay is not waited here: on SIGTERM it already passed before the server began
        its shutdown (and so the lifespan's). Cancels the background tasks and in-flight runs,
        closes every checker that has an ``aclose`` (each bounded by its timeout; errors ignored:
        the process is going away) and shuts the thread pool down without waiting for stuck
        threads.
        """
        self.drain()
        self._restore_sigterm()
        tasks: list[asyncio.Task[Any]] = []
        for state in self._states.values():
            for task in (state.loop_task, state.flight):
                if task is not None and not task.done():
                    task.cancel()
                    tasks.append(task)
            state.loop_task = None
        if self._lag.task is not None:
            self._lag.task.cancel()
            tasks.append(self._lag.task)
            self._lag.task = None
        if tasks:
            await asyncio.wait(tasks, timeout=1.0)
        await asyncio.gather(*(self._aclose(s.spec) for s in self._states.values()))
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._running = False
        self.registry._freeze(None)

    async def __aenter__(self) -> HealthRunner:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # --- results --------------------------------------------------------------------------------

    def result(self, name: str) -> CheckResult:
        """The latest result of check ``name`` (UNKNOWN before its first run). KeyError if none."""
        if name == EVENT_LOOP:
            return self._event_loop_result()
        return self._state(name).result

    async def run(self, name: str) -> CheckResult:
        """Run check ``name`` now and return its new result.

        Concurrent callers share one execution (single flight); waits at most the check's timeout.
        """
        state = self._state(name)
        flight = state.flight
        if flight is None or flight.done():
            flight = asyncio.get_running_loop().create_task(
                self._execute(state), name=f"health-run:{name}"
            )
            state.flight = flight
        # shield: a probe whose client went away must not cancel the run other probes wait on.
        return await asyncio.shield(flight)

    async def report(self, group: str, *, exclude: Iterable[str] = ()) -> HealthReport:
        """The report for a probe: ``"readiness"``, ``"startup"``, ``"liveness"`` or ``"all"``.

        - readiness: readiness checks plus the startup gates not passed yet; UNHEALTHY with reason
          ``draining`` once draining.
        - startup: HEALTHY once every startup check passed once (latched), else their aggregate.
        - liveness: the process itself (``event_loop``) plus checks registered ``local=True``
          for liveness; never a dependency.
        - all: every check plus ``event_loop``; draining as for readiness.

        With a started runner this never waits; otherwise results older than their interval are
        refreshed first (single flight). Excluded names still appear but do not count.
        """
        excluded = frozenset(exclude)
        states = self._select(group)
        if not self._running:
            await self._refresh_stale(states)
        now = datetime.now(UTC)
        components = {s.spec.name: s.result for s in states}
        if group == LIVENESS:
            components = {EVENT_LOOP: self._event_loop_result(), **components}
            return _build(group, now, components, excluded, draining=False)
        if group == STARTUP:
            report = _build(group, now, components, excluded, draining=False)
            if states and all(s.passed_once for s in states):
                return replace(report, status=Status.HEALTHY, reason=None)
            return report
        if group == "all":
            components[EVENT_LOOP] = self._event_loop_result()
        return _build(group, now, components, excluded, draining=self.draining)

    def _select(self, group: str) -> list[_State]:
        if group not in (READINESS, STARTUP, LIVENESS, "all"):
            raise ValueError(f"unknown health group {group!r}")
        selected = []
        for spec in self.registry:
            state = self._state(spec.name)
            in_startup = STARTUP in spec.groups
            if (
                group == "all"
                or (group == LIVENESS and LIVENESS in spec.groups)
                or (group == STARTUP and in_startup)
                or (group == READINESS and READINESS in spec.groups)
                or (group == READINESS and in_startup and not state.passed_once)
            ):
                selected.append(state)
        return selected

    def stats(self) -> dict[str, int]:
        """Thread-pool and straggler figures, also shown in liveness details."""
        return {
            "threads_max": self.max_threads,
            "threads_busy": sum(
                1 for s in self._states.values() if s.thread is not None and not s.thread.done()
            ),
            "stuck_runs": sum(1 for s in self._states.values() if s.stuck()),
            "runs": sum(s.runs for s in self._states.values()),
        }

    # --- execution ------------------------------------------------------------------------------

    def _state(self, name: str) -> _State:
        state = self._states.get(name)
        if state is None:
            spec = self.registry[name]
            state = _State(
                spec=spec,
                result=CheckResult(
                    name=name,
                    status=Status.UNKNOWN,
                    reason=Reason.NOT_RUN_YET,
                    critical=spec.critical,
                    component_type=spec.component_type,
                ),
            )
            self._states[name] = state
        return state

    async def _refresh_stale(self, states: list[_State]) -> None:
        now = asyncio.get_running_loop().time()
        stale = [
            s.spec.name
            for s in states
            if not (s.passed_once and s.spec.groups == {STARTUP})
            and (s.refreshed_at is None or now - s.refreshed_at >= s.spec.interval)
        ]
        if stale:
            await asyncio.gather(*(self.run(name) for name in stale))

    async def _refresh_loop(self, state: _State) -> None:
        loop = asyncio.get_running_loop()
        spec = state.spec
        next_at = loop.time()
        while True:
            await self.run(spec.name)
            if state.passed_once and spec.groups == {STARTUP}:
                return  # a passed gate stays passed: no need to keep calling the dependency
            next_at += spec.interval
            # fixed rate: one call per interval, but never a burst to catch up after a stall
            next_at = max(next_at, loop.time())
            await asyncio.sleep(next_at - loop.time())

    async def _execute(self, state: _State) -> CheckResult:
        spec = state.spec
        state.runs += 1
        if state.stuck():
            raw = self._raw(state, Status.UNHEALTHY, None, {}, _STUCK, Reason.TIMEOUT)
            return self._settle(state, raw)
        started = time.perf_counter()
        task = asyncio.get_running_loop().create_task(self._invoke(state))
        try:
            done, _ = await asyncio.wait({task}, timeout=spec.timeout)
        except asyncio.CancelledError:
            task.cancel()
            task.add_done_callback(_consume)
            raise
        latency_ms = (time.perf_counter() - started) * 1000.0
        if not done:
            task.cancel()
            task.add_done_callback(_consume)
            state.straggler = task
            message = f"no answer within the {spec.timeout:g} s timeout"
            raw = self._raw(state, Status.UNHEALTHY, latency_ms, {}, message, Reason.TIMEOUT)
        elif task.cancelled():
            raw = self._raw(
                state, Status.UNHEALTHY, latency_ms, {}, "the check was cancelled", Reason.EXCEPTION
            )
        elif (exc := task.exception()) is not None:
            message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raw = self._raw(state, Status.UNHEALTHY, latency_ms, {}, message, Reason.EXCEPTION)
        else:
            raw = self._interpret(state, task.result(), latency_ms)
        return self._settle(state, raw)

    async def _invoke(self, state: _State) -> Any:
        check = state.spec.check
        if state.spec.is_async:
            return await check()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.max_threads, thread_name_prefix="prodready-health")
        state.thread = self._pool.submit(check)
        value = await asyncio.wrap_future(state.thread)
        if inspect.isawaitable(value):  # a lambda returning a coroutine: await it on the loop
            value = await value
        return value

    def _interpret(self, state: _State, value: Any, latency_ms: float) -> CheckResult:
        spec = state.spec
        if isinstance(value, Degraded):
            details: Mapping[str, Any] = value.details
            return self._raw(
                state, Status.DEGRADED, latency_ms, details, value.message, Reason.EXPLICIT
            )
        if value is not None and not isinstance(value, Mapping):
            message = (
                f"the check returned {type(value).__name__}; expected None, a mapping of "
                "details or Degraded"
            )
            return self._raw(state, Status.UNHEALTHY, latency_ms, {}, message, Reason.EXCEPTION)
        details = value or {}
        if spec.degraded_latency is not None and latency_ms > spec.degraded_latency * 1000.0:
            message = f"took {latency_ms:.0f} ms, over {spec.degraded_latency * 1000:.0f} ms"
            return self._raw(state, Status.DEGRADED, latency_ms, details, message, Reason.LATENCY)
        return self._raw(state, Status.HEALTHY, latency_ms, details, None, None)

    def _raw(
        self,
        state: _State,
        status: Status,
        latency_ms: float | None,
        details: Mapping[str, Any],
        error: str | None,
        reason: Reason | None,
    ) -> CheckResult:
        if error is not None:
            error = scrub(error, self.secrets)
            if len(error) > _MAX_ERROR_CHARS:
                error = error[: _MAX_ERROR_CHARS - 1] + "…"
        return CheckResult(
            name=state.spec.name,
            status=status,
            latency_ms=None if latency_ms is None else round(latency_ms, 3),
            observed_at=datetime.now(UTC),
            details=scrub_details(details, self.secrets) if details else {},
            error=error,
            reason=reason,
            critical=state.spec.critical,
            component_type=state.spec.component_type,
        )

    def _settle(self, state: _State, raw: CheckResult) -> CheckResult:
        """Apply the thresholds and store the result the probes will see."""
        spec = state.spec
        previous = state.result.status
        if raw.status.is_available:
            state.successes += 1
            state.failures = 0
            state.passed_once = True
        else:
            state.failures += 1
            state.successes = 0
        final = raw
        if previous is Status.UNKNOWN:
            pass  # no known state to hold: the first result counts as it is
        elif raw.status.is_available and previous is Status.UNHEALTHY:
            if state.successes < spec.success_threshold:
                note = f"recovering: {state.successes}/{spec.success_threshold} successes"
                final = replace(raw, status=Status.UNHEALTHY, reason=Reason.THRESHOLD, error=note)
        elif (
            not raw.status.is_available
            and previous.is_available
            and state.failures < spec.failure_threshold
        ):
            # a blip: keep serving the last good status, but show what happened
            final = replace(raw, status=previous, reason=Reason.THRESHOLD)
        state.result = final
        state.refreshed_at = asyncio.get_running_loop().time()
        return final

    async def _aclose(self, spec: CheckSpec) -> None:
        aclose = getattr(spec.check, "aclose", None)
        if aclose is None or not callable(aclose):
            return
        with contextlib.suppress(Exception, asyncio.TimeoutError):
            async with asyncio.timeout(spec.timeout):
                await aclose()

    # --- liveness -------------------------------------------------------------------------------

    async def _monitor_lag(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.lag_interval)
            self._lag.samples.append(max(0.0, loop.time() - before - self.lag_interval))

    def _event_loop_result(self) -> CheckResult:
        samples = self._lag.samples
        last = samples[-1] if samples else 0.0
        worst = max(samples, default=0.0)
        details: dict[str, Any] = {
            "lag_ms": round(last * 1000.0, 3),
            "max_lag_ms": round(worst * 1000.0, 3),
            "monitor": "running" if self._lag.task is not None else "stopped",
            **self.stats(),
        }
        status, reason, error = Status.HEALTHY, None, None
        if worst > self.lag_degraded:
            status, reason = Status.DEGRADED, Reason.LATENCY
            error = f"event loop lagged {worst * 1000:.0f} ms (over {self.lag_degraded * 1000:.0f})"
        return CheckResult(
            name=EVENT_LOOP,
            status=status,
            latency_ms=round(last * 1000.0, 3),
            observed_at=datetime.now(UTC),
            details=details,
            error=error,
            reason=reason,
            critical=False,
            component_type="system",
        )

    # --- SIGTERM --------------------------------------------------------------------------------

    def _install_sigterm(self, loop: asyncio.AbstractEventLoop) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGTERM)

        def on_sigterm(signum: int, frame: FrameType | None) -> None:
            if self.draining or self.drain_delay <= 0:
                _forward(previous, signum, frame)
                return
            self.drain()
            loop.call_soon_threadsafe(
                loop.call_later, self.drain_delay, _forward, previous, signum, None
            )

        signal.signal(signal.SIGTERM, on_sigterm)
        self._previous_sigterm = previous
        self._sigterm_installed = True

    def _restore_sigterm(self) -> None:
        if not self._sigterm_installed:
            return
        self._sigterm_installed = False
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._previous_sigterm)


def _forward(handler: Any, signum: int, frame: FrameType | None) -> None:
    """Deliver a held-back signal to the handler that was installed before ours."""
    if callable(handler):
        handler(signum, frame)
    elif handler == signal.SIG_DFL:
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)


def _consume(task: asyncio.Future[Any]) -> None:
    # an abandoned run's outcome is not wanted; retrieving it keeps asyncio from warning about it
    if not task.cancelled():
        task.exception()


def _build(
    group: str,
    now: datetime,
    components: dict[str, CheckResult],
    excluded: frozenset[str],
    *,
    draining: bool,
) -> HealthReport:
    counted = (r for name, r in components.items() if name not in excluded)
    status = aggregate(counted)
    reason = None
    if draining:
        status, reason = Status.UNHEALTHY, Reason.DRAINING
    elif status is Status.UNKNOWN:
        reason = Reason.NOT_RUN_YET
    return HealthReport(
        group=group,
        status=status,
        timestamp=now,
        components=components,
        reason=reason,
        excluded=excluded & components.keys(),
    )
