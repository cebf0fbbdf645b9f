from __future__ import annotations

import pytest
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import AuthenticationError, ConnectionError

from prodready.testing import RedisServer


async def test_redis_server_answers_ping_set_get_with_the_url_password(
    redis_server: RedisServer,
) -> None:
    client = aioredis.from_url(redis_server.url)
    try:
        assert await client.ping() is True
        await client.set("prodready:key", "value")
        assert await client.get("prodready:key") == b"value"
    finally:
        await client.aclose()


async def test_redis_server_requires_its_password(redis_server: RedisServer) -> None:
    # No retries: redis-py would otherwise back off for seconds before giving up.
    client = aioredis.Redis(
        host=redis_server.host, port=redis_server.port, retry=Retry(NoBackoff(), 0)
    )
    try:
        with pytest.raises(AuthenticationError):
            await client.ping()
    finally:
        await client.aclose()


async def test_shared_redis_stopped_by_a_test_fails_then_restart_recovers_data(
    redis_server: RedisServer,
) -> None:
    client = aioredis.from_url(redis_server.url)
    try:
        await client.set("prodready:survives", "yes")
        redis_server.stop()
        with pytest.raises(ConnectionError):
            await client.ping()
        redis_server.restart()
        assert await client.get("prodready:survives") == b"yes"
    finally:
        await client.aclose()
