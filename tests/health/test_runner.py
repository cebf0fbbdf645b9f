"""The runner's contract, with in-process checks (pure logic; real servers: test_real_deps.py)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from prodready.health import Degraded, HealthRegistry, HealthRunner, Reason, Status


def make_runner(registry: HealthRegistry, **kwargs: Any) -> HealthRunner:
    return HealthRunner(registry, handle_signals=False, **kwargs)


async def wait_for(predicate: Any, limit: float = 5.0) -> None:
    """Poll ``predicate`` until it holds; fail after ``limit`` seconds."""
    async with asyncio.timeout(limit):
        while not predicate():  # noqa: ASYNC110 - polling runner state, which has no event
            await asyncio.sleep(0.01)


async def test_check_is_unknown_and_readiness_unavailable_before_its_first_run(
    registry: HealthRegistry, counting: Any
) -> None:
    registry.add("slow", counting(delay=0.5))
    async with make_runner(registry) as runner:
        report = await runner.report("readiness")
        assert report.status is Status.UNKNOWN
        assert report.reason is Reason.NOT_RUN_YET
        assert report.components["slow"].reason is Reason.NOT_RUN_YET
        assert not report.status.is_available


async def test_exception_becomes_unhealthy_with_the_error_kept(
    registry: HealthRegistry, counting: Any
) -> None:
    registry.add("db", counting(fail=True))
    result = await make_runner(registry).run("db")
    assert result.status is Status.UNHEALTHY
    assert result.reason is Reason.EXCEPTION
    assert result.error == "ConnectionError: dependency refused the connection"


async def test_exception_message_is_scrubbed_of_credentials(registry: HealthRegistry) -> None:
    async def leaky() -> None:
        raise OSError(
            "cannot reach postgresql://app:Sup3rS3cret@db:5432/app (password=Sup3rS3cret)"
        )

    registry.add("db", leaky)
    result = await make_runner(registry).run("db")
    assert result.error is not None
    assert "Sup3rS3cret" not in result.error
    assert "postgresql://app:***@db:5432/app" in result.error


async def test_hung_check_is_cancelled_at_its_timeout(registry: HealthRegistry) -> None:
    cancelled = asyncio.Event()

    async def hang() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            cancelled.set()

    registry.add("hang", hang, timeout=0.2)
    result = await make_runner(registry).run("hang")
    assert result.status is Status.UNHEALTHY
    assert result.reason is Reason.TIMEOUT
    await asyncio.wait_for(cancelled.wait(), 2)


async def test_check_ignoring_cancellation_still_answers_and_is_not_run_twice(
    registry: HealthRegistry,
) -> None:
    release = asyncio.Event()
    calls = 0

    async def stubborn() -> None:
        nonlocal calls
        calls += 1
        while not release.is_set():
            try:
                await release.wait()
            except asyncio.CancelledError:
                continue  # swallows cancellation: a badly behaved client library

    registry.add("stubborn", stubborn, timeout=0.2)
    runner = make_runner(registry)
    started = time.monotonic()
    first = await runner.run("stubborn")
    assert time.monotonic() - started < 1.5
    second = await runner.run("stubborn")
    assert first.reason is second.reason is Reason.TIMEOUT
    assert "still running" in (second.error or "")
    assert calls == 1
    assert runner.stats()["stuck_runs"] == 1
    release.set()
    await asyncio.sleep(0.05)
    assert runner.stats()["stuck_runs"] == 0


async def test_sync_check_runs_off_the_event_loop(registry: HealthRegistry) -> None:
    seen: list[str] = []

    def sync_check() -> dict[str, int]:
        seen.append(threading.current_thread().name)
        return {"rows": 3}

    registry.add("sync", sync_check)
    result = await make_runner(registry).run("sync")
    assert result.status is Status.HEALTHY
    assert result.details == {"rows": 3}
    assert seen[0].startswith("prodready-health")


async def test_stuck_sync_check_is_abandoned_and_never_piles_up_threads(
    registry: HealthRegistry,
) -> None:
    gate = threading.Event()
    calls = 0

    def blocking() -> None:
        nonlocal calls
        calls += 1
        gate.wait(10)

    registry.add("blocking", blocking, timeout=0.2)
    runner = make_runner(registry)
    try:
        assert (await runner.run("blocking")).reason is Reason.TIMEOUT
        assert (await runner.run("blocking")).reason is Reason.TIMEOUT
        assert calls == 1
        assert runner.stats()["threads_busy"] == 1
    finally:
        gate.set()
        await runner.stop()


async def test_lambda_returning_a_coroutine_is_awaited(registry: HealthRegistry) -> None:
    async def ping() -> dict[str, bool]:
        return {"pong": True}

    registry.add("lambda", lambda: ping())
    assert (await make_runner(registry).run("lambda")).details == {"pong": True}


async def test_wrong_return_type_is_reported_not_raised(registry: HealthRegistry) -> None:
    async def returns_true() -> bool:
        return True

    registry.add("odd", returns_true)
    result = await make_runner(registry).run("odd")
    assert result.status is Status.UNHEALTHY
    assert "expected None, a mapping of details or Degraded" in (result.error or "")


async def test_slow_success_is_degraded_for_latency(
    registry: HealthRegistry, counting: Any
) -> None:
    registry.add("slow", counting(delay=0.15), degraded_latency=0.05)
    result = await make_runner(registry).run("slow")
    assert result.status is Status.DEGRADED
    assert result.reason is Reason.LATENCY
    report = await make_runner(registry).report("readiness")
    assert report.status.is_available


async def test_explicit_degraded_keeps_its_message_and_details(registry: HealthRegistry) -> None:
    async def yellow() -> Degraded:
        return Degraded("cluster is yellow", {"unassigned_shards": 2})

    registry.add("search", yellow)
    result = await make_runner(registry).run("search")
    assert (result.status, result.reason) == (Status.DEGRADED, Reason.EXPLICIT)
    assert result.error == "cluster is yellow"
    assert result.details == {"unassigned_shards": 2}


async def test_failure_threshold_suppresses_a_single_blip(
    registry: HealthRegistry, counting: Any
) -> None:
    check = counting(outcomes=[False, True, False, True, True])
    registry.add("db", check, failure_threshold=2)
    runner = make_runner(registry)
    assert (await runner.run("db")).status is Status.HEALTHY
    blip = await runner.run("db")
    assert (blip.status, blip.reason) == (Status.HEALTHY, Reason.THRESHOLD)
    assert blip.error is not None  # the suppressed failure is still visible to operators
    assert (await runner.run("db")).status is Status.HEALTHY
    assert (await runner.run("db")).status is Status.HEALTHY  # first of two failures
    assert (await runner.run("db")).status is Status.UNHEALTHY  # second in a row


async def test_success_threshold_delays_recovery(registry: HealthRegistry, counting: Any) -> None:
    check = counting(outcomes=[True, False, False])
    registry.add("db", check, success_threshold=2)
    runner = make_runner(registry)
    assert (await runner.run("db")).status is Status.UNHEALTHY
    recovering = await runner.run("db")
    assert (recovering.status, recovering.reason) == (Status.UNHEALTHY, Reason.THRESHOLD)
    assert (await runner.run("db")).status is Status.HEALTHY


async def test_non_critical_failure_only_degrades_readiness(
    registry: HealthRegistry, counting: Any
) -> None:
    registry.add("db", counting())
    registry.add("cache", counting(fail=True), critical=False)
    report = await make_runner(registry).report("readiness")
    assert report.components["cache"].status is Status.UNHEALTHY
    assert report.status is Status.DEGRADED


async def test_checks_run_concurrently(registry: HealthRegistry, counting: Any) -> None:
    for name in ("a", "b", "c", "d"):
        registry.add(name, counting(delay=0.4))
    started = time.monotonic()
    report = await make_runner(registry).report("readiness")
    assert report.status is Status.HEALTHY
    assert time.monotonic() - started < 1.2  # sequential would take 1.6 s


async def test_concurrent_probes_on_a_stale_cache_share_one_execution(
    registry: HealthRegistry, counting: Any
) -> None:
    check = counting(delay=0.2)
    registry.add("db", check, interval=60)
    runner = make_runner(registry)
    reports = await asyncio.gather(*(runner.report("readiness") for _ in range(50)))
    assert check.calls == 1
    assert {r.status for r in reports} == {Status.HEALTHY}
    await runner.report("readiness")  # fresh now: served from the cache
    assert check.calls == 1


async def test_probe_whose_caller_goes_away_does_not_cancel_the_shared_run(
    registry: HealthRegistry, counting: Any
) -> None:
    check = counting(delay=0.3)
    registry.add("db", check)
    runner = make_runner(registry)
    impatient = asyncio.create_task(runner.report("readiness"))
    await asyncio.sleep(0.05)
    impatient.cancel()
    result = await runner.run("db")  # joins the same flight
    assert result.status is Status.HEALTHY
    assert check.calls == 1


async def test_started_runner_refreshes_in_the_background_and_probes_never_execute(
    registry: HealthRegistry, counting: Any
) -> None:
    check = counting()
    registry.add("db", check, interval=0.2)
    async with make_runner(registry) as runner:
        await wait_for(lambda: check.calls >= 1)
        for _ in range(200):
            await runner.report("readiness")
        assert check.calls <= 2
        await wait_for(lambda: check.calls >= 4)
    calls = check.calls
    await asyncio.sleep(0.5)
    assert check.calls == calls  # stopped: no more runs


async def test_background_refresh_picks_up_a_recovery(
    registry: HealthRegistry, counting: Any
) -> None:
    check = counting(outcomes=[True])
    registry.add("db", check, interval=0.2)
    async with make_runner(registry) as runner:
        await wait_for(lambda: runner.result("db").status is Status.UNHEALTHY)
        await wait_for(lambda: runner.result("db").status is Status.HEALTHY)


async def test_background_probe_is_served_at_once_while_a_check_hangs(
    registry: HealthRegistry, counting: Any
) -> None:
    registry.add("fast", counting(), interval=0.2)
    registry.add("hang", counting(delay=60), timeout=1.0, interval=0.2)
    async with make_runner(registry) as runner:
        await wait_for(lambda: runner.result("hang").reason is Reason.TIMEOUT)
        started = time.monotonic()
        report = await runner.report("readiness")
        assert time.monotonic() - started < 0.2
        assert report.components["fast"].status is Status.HEALTHY
        assert report.status is Status.UNHEALTHY


async def test_startup_gate_latches_once_passed_and_stops_running(
    registry: HealthRegistry, counting: Any
) -> None:
    gate = counting(outcomes=[True])
    registry.add("migrations", gate, groups=("startup",), interval=0.1)
    async with make_runner(registry) as runner:
        await wait_for(lambda: runner.result("migrations").status is Status.HEALTHY)
        startup = await runner.report("startup")
        readiness = await runner.report("readiness")
        assert startup.status is Status.HEALTHY
        assert "migrations" not in readiness.components  # passed gates leave readiness
        await asyncio.sleep(0.4)
        assert gate.calls == 2


async def test_pending_startup_gate_holds_readiness(
    registry: HealthRegistry, counting: Any
) -> None:
    registry.add("model-files", counting(fail=True), groups=("startup",))
    report = await make_runner(registry).report("readiness")
    assert report.status is Status.UNHEALTHY
    assert "model-files" in report.components


async def test_drain_turns_readiness_unhealthy_while_liveness_stays_healthy(
    registry: HealthRegistry, counting: Any
) -> None:
    registry.add("db", counting())
    async with make_runner(registry) as runner:
        await wait_for(lambda: runner.result("db").status is Status.HEALTHY)
        runner.drain()
        ready = await runner.report("readiness")
        live = await runner.report("liveness")
        assert (ready.status, ready.reason) == (Status.UNHEALTHY, Reason.DRAINING)
        assert live.status is Status.HEALTHY


async def test_liveness_never_runs_a_dependency_check(
    registry: HealthRegistry, counting: Any
) -> None:
    check = counting(fail=True)
    registry.add("db", check)
    report = await make_runner(registry).report("liveness")
    assert report.status is Status.HEALTHY
    assert set(report.components) == {"event_loop"}
    assert check.calls == 0


async def test_event_loop_lag_degrades_liveness_without_failing_it(
    registry: HealthRegistry,
) -> None:
    async with make_runner(registry, lag_interval=0.05, lag_degraded=0.1) as runner:
        await asyncio.sleep(0.1)
        time.sleep(0.3)  # noqa: ASYNC251 - blocking the loop is the point of this test
        await asyncio.sleep(0.15)
        report = await runner.report("liveness")
        loop = report.components["event_loop"]
        assert loop.status is Status.DEGRADED
        assert loop.details["max_lag_ms"] >= 200
        assert report.status.is_available


async def test_stop_closes_checkers_that_own_a_client(registry: HealthRegistry) -> None:
    class Owning:
        closed = False

        async def __call__(self) -> None:
            return None

        async def aclose(self) -> None:
            self.closed = True

    check = Owning()
    registry.add("db", check)
    runner = make_runner(registry)
    await runner.start()
    await runner.stop()
    assert check.closed
    assert not runner.running


async def test_unknown_group_is_a_value_error(registry: HealthRegistry) -> None:
    with pytest.raises(ValueError, match="unknown health group"):
        await make_runner(registry).report("ready")
