"""Redis specifics: the application's client is reused, the probe key is namespaced and expires."""

from __future__ import annotations

from typing import Any

from prodready.health.checkers import RedisCheck


async def test_reuses_the_applications_client_and_leaves_it_open(redis_server: Any) -> None:
    import redis.asyncio as aioredis

    client = aioredis.from_url(redis_server.url, decode_responses=True)
    try:
        check = RedisCheck(client=client)
        assert (await check())["role"] == "master"
        await check.aclose()
        assert await client.ping()
    finally:
        await client.aclose()


async def test_the_round_trip_key_is_namespaced_and_expires(redis_server: Any) -> None:
    import redis.asyncio as aioredis

    observer = aioredis.from_url(redis_server.url)
    check = RedisCheck(redis_server.url, key_prefix="myapp:health:")
    try:
        await check()
        keys = [k async for k in observer.scan_iter(match="myapp:health:*")]
        assert len(keys) == 1
        assert 0 < await observer.ttl(keys[0]) <= 60
    finally:
        await check.aclose()
        await observer.aclose()


async def test_round_trip_false_writes_nothing(redis_server: Any) -> None:
    import redis.asyncio as aioredis

    observer = aioredis.from_url(redis_server.url)
    check = RedisCheck(redis_server.url, round_trip=False, key_prefix="readonly:health:")
    try:
        assert "version" in await check()
        assert [k async for k in observer.scan_iter(match="readonly:health:*")] == []
    finally:
        await check.aclose()
        await observer.aclose()
