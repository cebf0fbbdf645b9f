"""Redis: PING, a SET/GET round trip on a namespaced expiring key, and INFO, in one pipeline.

Driver: redis-py's asyncio client (``prodready[redis]``); an application's ``redis.asyncio.Redis``
is reused as given.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from prodready.health._model import Details
from prodready.health.checkers._base import CheckFailed, require

__all__ = ["RedisCheck"]


class RedisCheck:
    """One pipelined round trip per check over one long-lived client (or the application's).

    The SET/GET writes a random token under ``{key_prefix}{uuid}`` with a 60 s expiry and reads it
    back: a different value means an inconsistent read (a failover in progress, a proxy bug).
    ``round_trip=False`` skips the write, for read-only replicas. The owned client retries a
    command once on a broken connection, so a Redis restart costs no extra failed check.
    """

    kind: ClassVar[str] = "redis"
    component_type: ClassVar[str] = "datastore"
    env_vars: ClassVar[tuple[str, ...]] = ("REDIS_URL",)

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Any = None,
        round_trip: bool = True,
        key_prefix: str = "prodready:health:",
    ) -> None:
        if (url is None) == (client is None):
            raise ValueError("RedisCheck takes exactly one of url= or client=")
        self._owns = client is None
        if url is not None:
            aioredis = require("redis.asyncio", what="redis-py (the Redis driver)", extra="redis")
            retry = require("redis.asyncio.retry", what="redis-py", extra="redis")
            backoff = require("redis.backoff", what="redis-py", extra="redis")
            client = aioredis.from_url(
                url, retry=retry.Retry(backoff.NoBackoff(), 1), max_connections=4
            )
        self._client = client
        self._round_trip = round_trip
        self._key = f"{key_prefix}{uuid.uuid4().hex}"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RedisCheck | None:
        """From ``REDIS_URL`` (``redis://``, ``rediss://``, ``unix://``); ``None`` when unset."""
        url = env.get("REDIS_URL")
        return cls(url) if url else None

    async def __call__(self) -> Details:
        token = secrets.token_hex(8)
        async with self._client.pipeline(transaction=False) as pipe:
            pipe.ping()
            if self._round_trip:
                pipe.set(self._key, token, ex=60)
                pipe.get(self._key)
            pipe.info()
            replies = await pipe.execute()
        if self._round_trip:
            got = replies[2]
            if (got.decode() if isinstance(got, bytes) else got) != token:
                raise CheckFailed("inconsistent read: GET did not return the value just SET")
        info: Mapping[str, Any] = replies[-1]
        return {
            "version": info.get("redis_version"),
            "role": info.get("role"),
            "uptime_s": info.get("uptime_in_seconds"),
            "used_memory_mb": round(int(info.get("used_memory", 0)) / 1_048_576, 1),
            "connected_clients": info.get("connected_clients"),
        }

    async def aclose(self) -> None:
        """Close the client this checker created; an application's client is left alone."""
        if self._owns:
            await self._client.aclose()
