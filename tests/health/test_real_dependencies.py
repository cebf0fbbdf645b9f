"""The runner against real servers from the harness: PostgreSQL, Redis and a TCP blackhole."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest
import redis.asyncio as aioredis

from prodready.health import HealthApp, HealthRegistry, HealthRunner, Reason, Status
from prodready.testing import BlackholeServer, PostgresServer, RedisServer

pytestmark = pytest.mark.slow

# Generous on purpose (a loaded 2-core CI machine); bench/health measures the precise overshoot.
MARGIN_S = 0.3


def pg_check(dsn: str) -> Callable[[], Awaitable[dict[str, Any]]]:
    async def check() -> dict[str, Any]:
        # the client's own timeout is far longer than the runner's: the runner must cut it short
        conn = await asyncpg.connect(dsn, timeout=60)
        try:
            version = await conn.fetchval("SHOW server_version")
        finally:
            await conn.close()
        return {"version": version}

    return check


@pytest.fixture
async def redis_client(redis_server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(redis_server.url, socket_timeout=30)
    yield client
    await client.aclose()


async def test_hung_dependency_times_out_on_time_while_other_checks_report(
    registry: HealthRegistry,
    blackhole: BlackholeServer,
    postgres_server: PostgresServer,
    redis_client: aioredis.Redis,
) -> None:
    async def redis_ping() -> None:
        await redis_client.ping()

    timeout = 1.0
    hung = f"postgresql://app:pw@{blackhole.host}:{blackhole.port}/app"
    registry.add("hung-db", pg_check(hung), timeout=timeout)
    registry.add("postgres", pg_check(postgres_server.dsn), timeout=timeout)
    registry.add("redis", redis_ping, timeout=timeout)
    runner = HealthRunner(registry, handle_signals=False)

    started = time.perf_counter()
    report = await runner.report("readiness")
    elapsed = time.perf_counter() - started

    assert elapsed < timeout + MARGIN_S
    hung_result = report.components["hung-db"]
    assert (hung_result.status, hung_result.reason) == (Status.UNHEALTHY, Reason.TIMEOUT)
    assert report.components["postgres"].status is Status.HEALTHY
    assert report.components["postgres"].details["version"].startswith("15")
    assert report.components["redis"].status is Status.HEALTHY
    assert report.status is Status.UNHEALTHY


async def test_probes_are_served_from_memory_while_a_dependency_hangs(
    registry: HealthRegistry, blackhole: BlackholeServer, redis_client: aioredis.Redis
) -> None:
    async def redis_ping() -> None:
        await redis_client.ping()

    hung = f"postgresql://app:pw@{blackhole.host}:{blackhole.port}/app"
    registry.add("hung-db", pg_check(hung), timeout=1.0, interval=0.5)
    registry.add("redis", redis_ping, interval=0.5)
    async with HealthRunner(registry, handle_signals=False) as runner:
        async with asyncio.timeout(10):
            while runner.result("hung-db").reason is not Reason.TIMEOUT:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        # a new run of the hung check is in flight now and then; probes never wait for it
        worst = 0.0
        for _ in range(50):
            started = time.perf_counter()
            report = await runner.report("readiness")
            worst = max(worst, time.perf_counter() - started)
            await asyncio.sleep(0.02)
        assert worst < MARGIN_S
        assert report.components["redis"].status is Status.HEALTHY
        assert runner.stats()["stuck_runs"] == 0  # cancelled runs really ended


async def test_liveness_stays_up_while_every_dependency_is_down(
    registry: HealthRegistry, server_factory: Any, asgi: Any
) -> None:
    redis_server = server_factory(RedisServer)
    client = aioredis.from_url(redis_server.url, socket_timeout=1, socket_connect_timeout=1)

    async def redis_ping() -> None:
        await client.ping()

    registry.add("redis", redis_ping, timeout=1.5, interval=0.2)
    app = HealthApp(HealthRunner(registry, handle_signals=False))
    try:
        assert (await asgi(app, "/health/ready")).status == 200
        redis_server.stop()
        await asyncio.sleep(0.3)  # the cached result is older than its interval now
        ready = await asgi(app, "/health/ready")
        live = await asgi(app, "/health/live")
        assert ready.status == 503
        assert live.status == 200
        assert json.loads(live.body)["components"].keys() == {"event_loop"}
    finally:
        await client.aclose()


async def test_a_failing_dependency_shows_a_scrubbed_error_only_to_authorized_callers(
    registry: HealthRegistry, postgres_server: PostgresServer, asgi: Any
) -> None:
    wrong = postgres_server.dsn.replace(postgres_server.password, "Wr0ngPassw0rd")

    async def check() -> None:
        try:
            conn = await asyncpg.connect(wrong, timeout=5)
        except asyncpg.PostgresError as e:
            raise ConnectionError(f"{wrong}: {e}") from e  # a careless message, DSN included
        await conn.close()

    registry.add("postgres", check)
    app = HealthApp(HealthRunner(registry, handle_signals=False), token="t0ken")
    public = await asgi(app, "/health/ready")
    private = await asgi(app, "/health/ready", headers={"Authorization": "Bearer t0ken"})
    assert public.status == private.status == 503
    error = json.loads(private.body)["components"]["postgres"]["error"]
    assert "password authentication failed" in error
    assert "Wr0ngPassw0rd" not in private.text
    assert "error" not in json.loads(public.body)["components"]["postgres"]
