"""Connections opened per check: prodready's long-lived clients against a client per check.

The peers are the pattern the research found in hellofresh/health-go and Xabaril#1993 (a new
connection or client for every probe): ``asyncpg.connect`` + ``SELECT 1`` + close, and a new
``redis.asyncio`` client + PING + close. Both sides run N consecutive checks against the same
private servers (started here from ``prodready.testing``); the server counts what it accepted
(PostgreSQL ``pg_stat_database.sessions``, Redis ``total_connections_received``).

Reproduce: ``.venv/bin/python bench/checkers/run.py [N]`` (default N=2000). Prints JSON.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import redis.asyncio as aioredis

from prodready.health.checkers import PostgresCheck, RedisCheck
from prodready.testing import PostgresServer, RedisServer


async def _measure(
    check: Callable[[], Awaitable[Any]], opened: Callable[[], Awaitable[int]], n: int
) -> dict[str, float]:
    await check()  # warm up: the long-lived client connects once here
    before = await opened()
    latencies = []
    for _ in range(n):
        started = time.perf_counter()
        await check()
        latencies.append((time.perf_counter() - started) * 1000)
    after = await opened()
    return {
        "median_ms": round(statistics.median(latencies), 3),
        "p99_ms": round(sorted(latencies)[int(n * 0.99) - 1], 3),
        "connections_opened": after - before,
    }


async def main(n: int, pg: PostgresServer, rd: RedisServer) -> dict[str, Any]:
    observer = await asyncpg.connect(pg.url)
    redis_observer = aioredis.from_url(rd.url)

    async def pg_sessions() -> int:
        await asyncio.sleep(0.2)  # pg_stat counters are flushed by the backends asynchronously
        await observer.execute("SELECT pg_stat_clear_snapshot()")
        query = "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        return int(await observer.fetchval(query))

    async def redis_received() -> int:
        return int((await redis_observer.info("stats"))["total_connections_received"])

    async def pg_per_check() -> None:
        conn = await asyncpg.connect(pg.url)
        try:
            await conn.fetchval("SELECT 1")
        finally:
            await conn.close()

    async def redis_per_check() -> None:
        client = aioredis.from_url(rd.url)
        try:
            await client.ping()
        finally:
            await client.aclose()

    pg_check, redis_check = PostgresCheck(pg.url), RedisCheck(rd.url)
    try:
        results = {
            "n": n,
            "postgres": {
                "prodready PostgresCheck (pooled, details query)": await _measure(
                    pg_check, pg_sessions, n
                ),
                "connect + SELECT 1 + close per check": await _measure(
                    pg_per_check, pg_sessions, n
                ),
            },
            "redis": {
                "prodready RedisCheck (PING+SET/GET+INFO pipeline)": await _measure(
                    redis_check, redis_received, n
                ),
                "new client + PING + close per check": await _measure(
                    redis_per_check, redis_received, n
                ),
            },
        }
    finally:
        await pg_check.aclose()
        await redis_check.aclose()
        await observer.close()
        await redis_observer.aclose()
    return results


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with PostgresServer() as pg_server, RedisServer() as redis_server:
        print(json.dumps(asyncio.run(main(count, pg_server, redis_server)), indent=2))
