"""MongoDB: ``ping`` and the server version (``buildInfo``).

Driver: PyMongo's native asyncio client (``prodready[mongodb]``); an application's
``AsyncMongoClient`` is reused. PyMongo reconnects by itself after a server restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, ClassVar

from prodready.health._model import Details
from prodready.health.checkers._base import OwnedClient, require

__all__ = ["MongoCheck"]


class MongoCheck:
    """Two admin commands per check over one long-lived client (or the application's).

    The owned client gives up selecting a server after 2 s (PyMongo's default is 30 s) so that an
    unreachable server is reported as such, not as a timeout; ``client_options`` override it.
    """

    kind: ClassVar[str] = "mongodb"
    component_type: ClassVar[str] = "datastore"
    env_vars: ClassVar[tuple[str, ...]] = ("MONGODB_URL", "MONGODB_URI", "MONGO_URL")

    def __init__(
        self, url: str | None = None, *, client: Any = None, **client_options: Any
    ) -> None:
        if (url is None) == (client is None):
            raise ValueError("MongoCheck takes exactly one of url= or client=")
        self._client = client
        self._owned: OwnedClient[Any] | None = None
        if url is not None:
            pymongo = require("pymongo", what="pymongo (the MongoDB driver)", extra="mongodb")

            async def create() -> Any:
                # Few pooled sockets: a health check needs one; the monitor adds its own.
                options = {
                    "maxPoolSize": 2,
                    "serverSelectionTimeoutMS": 2000,
                    "appname": "prodready-health",
                    **client_options,
                }
                return pymongo.AsyncMongoClient(url, **options)

            async def close(client: Any) -> None:
                await client.close()

            self._owned = OwnedClient(create, close)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MongoCheck | None:
        """From ``MONGODB_URL`` (``MONGODB_URI``, ``MONGO_URL``); ``None`` when unset."""
        for name in cls.env_vars:
            if env.get(name):
                return cls(env[name])
        return None

    async def __call__(self) -> Details:
        client = self._client if self._owned is None else await self._owned.get()
        try:
            await client.admin.command("ping")
            info = await client.admin.command("buildInfo")
        except asyncio.CancelledError:
            # The runner's deadline passed: PyMongo's background monitor would keep a socket
            # waiting on the unresponsive server; close the owned client, reopen next check.
            if self._owned is not None:
                await self._owned.reset()
            raise
        return {"version": info.get("version")}

    async def aclose(self) -> None:
        """Close the client this checker created; an application's client is left alone."""
        if self._owned is not None:
            await self._owned.aclose()
