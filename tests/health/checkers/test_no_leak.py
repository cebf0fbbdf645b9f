"""Consecutive checks leave the server's connection count and this process's fds flat.

The count is measured on the server side: ``pg_stat_activity``, Redis ``CLIENT LIST``, and for the
others (RabbitMQ has no management plugin in the harness) the server port's established TCP
connections as the kernel sees them. Each checker keeps one long-lived client, so connections never
grow with the number of checks (a leak shows as one more per check). 300 checks by default, to
keep the suite fast on a shared machine; the acceptance run uses 10,000:
``PRODREADY_LEAK_CHECKS=10000 pytest tests/health/checkers/test_no_leak.py``.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from prodready.health import DependencyCheck
from prodready.health.checkers import (
    KafkaCheck,
    MongoCheck,
    Neo4jCheck,
    PostgresCheck,
    RabbitMQCheck,
    RedisCheck,
)

from ._support import established_on, open_fds

CHECKS = int(os.environ.get("PRODREADY_LEAK_CHECKS", "300"))
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
    print(f"{CHECKS} checks: connections {connections_before} -> {connections_after},", end=" ")
    print(f"fds {fds_before} -> {fds_after}")
    assert connections_after == connections_before
    assert fds_after == fds_before


async def test_postgres_backends_stay_flat(postgres_server: Any) -> None:
    import asyncpg

    observer = await asyncpg.connect(postgres_server.url)

    async def backends() -> int:
        query = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
        return int(await observer.fetchval(query))

    try:
        await _run_many(PostgresCheck(postgres_server.url), backends)
    finally:
        await observer.close()


async def test_redis_clients_stay_flat(redis_server: Any) -> None:
    import redis.asyncio as aioredis

    observer = aioredis.from_url(redis_server.url)

    async def clients() -> int:
        return len(await observer.client_list())

    try:
        await _run_many(RedisCheck(redis_server.url), clients)
    finally:
        await observer.aclose()


@pytest.mark.parametrize(
    ("fixture", "build"),
    [
        ("rabbitmq_server", lambda s: RabbitMQCheck(s.url)),
        ("kafka_server", lambda s: KafkaCheck(s.bootstrap_servers)),
        ("neo4j_server", lambda s: Neo4jCheck(s.url, auth=(s.user, s.password))),
        ("mongodb_server", lambda s: MongoCheck(s.url)),
    ],
)
async def test_server_side_connections_stay_flat(
    fixture: str, build: Callable[[Any], DependencyCheck], request: pytest.FixtureRequest
) -> None:
    server = request.getfixturevalue(fixture)

    async def connections() -> int:
        return established_on(server.port)

    await _run_many(build(server), connections)
