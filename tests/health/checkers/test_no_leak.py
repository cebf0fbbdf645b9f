"""10,000 consecutive checks leave the server's connection count and this process's fds flat.

The count is measured on the server side: ``pg_stat_activity``, Redis ``CLIENT LIST``, and for
RabbitMQ (no management plugin in the harness) the broker port's established TCP connections as
the kernel sees them. Each checker keeps one long-lived client: connections never grow with checks.
"""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from prodready.health import DependencyCheck
from prodready.health.checkers import PostgresCheck, RabbitMQCheck, RedisCheck

from ._support import established_on, open_fds

CHECKS = 10_000
WARM_UP = 20


async def _run_many(check: DependencyCheck, count: Callable[[], Awaitable[int]]) -> None:
    try:
        for _ in range(WARM_UP):
            await check()
        gc.collect()
        connections_before, fds_before = await count(), open_fds()
        for _ in range(CHECKS):
            await check()
        gc.collect()
        connections_after, fds_after = await count(), open_fds()
    finally:
        await check.aclose()
    assert connections_after == connections_before
    assert fds_after == fds_before


@pytest.mark.slow
async def test_postgres_connections_stay_flat_over_10000_checks(postgres_server: Any) -> None:
    import asyncpg

    observer = await asyncpg.connect(postgres_server.url)

    async def backends() -> int:
        query = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
        return int(await observer.fetchval(query))

    try:
        await _run_many(PostgresCheck(postgres_server.url), backends)
    finally:
        await observer.close()


@pytest.mark.slow
async def test_redis_clients_stay_flat_over_10000_checks(redis_server: Any) -> None:
    import redis.asyncio as aioredis

    observer = aioredis.from_url(redis_server.url)

    async def clients() -> int:
        return len(await observer.client_list())

    try:
        await _run_many(RedisCheck(redis_server.url), clients)
    finally:
        await observer.aclose()


@pytest.mark.slow
async def test_rabbitmq_connections_stay_flat_over_10000_checks(rabbitmq_server: Any) -> None:
    async def connections() -> int:
        return established_on(rabbitmq_server.port)

    await _run_many(RabbitMQCheck(rabbitmq_server.url), connections)
