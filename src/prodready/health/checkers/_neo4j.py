"""Neo4j: a session runs ``CALL dbms.components()`` (name, versions, edition).

Driver: the official ``neo4j`` package (``prodready[neo4j]``); an application's ``AsyncDriver`` is
reused. The query runs in a plain session (no managed-transaction retries), so a failure is
reported at once instead of being retried for up to 30 s inside the check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from prodready.health._model import Details
from prodready.health.checkers._base import OwnedClient, require

__all__ = ["Neo4jCheck"]

QUERY = "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"


class Neo4jCheck:
    """One query per check over one long-lived driver (its pool reconnects after a restart)."""

    kind: ClassVar[str] = "neo4j"
    component_type: ClassVar[str] = "datastore"
    env_vars: ClassVar[tuple[str, ...]] = ("NEO4J_URI", "NEO4J_URL")

    def __init__(
        self,
        uri: str | None = None,
        *,
        auth: tuple[str, str] | None = None,
        driver: Any = None,
        database: str | None = None,
    ) -> None:
        if (uri is None) == (driver is None):
            raise ValueError("Neo4jCheck takes exactly one of uri= or driver=")
        self._driver = driver
        self._database = database
        self._owned: OwnedClient[Any] | None = None
        if uri is not None:
            neo4j = require("neo4j", what="neo4j (the Neo4j driver)", extra="neo4j")

            async def create() -> Any:
                return neo4j.AsyncGraphDatabase.driver(uri, auth=auth, max_connection_pool_size=2)

            async def close(drv: Any) -> None:
                await drv.close()

            self._owned = OwnedClient(create, close)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Neo4jCheck | None:
        """From ``NEO4J_URI`` plus ``NEO4J_USER``/``NEO4J_USERNAME`` and ``NEO4J_PASSWORD``, or
        ``NEO4J_AUTH=user/password`` (the Docker image's convention); ``None`` when unset.
        """
        uri = next((env[n] for n in cls.env_vars if env.get(n)), None)
        if uri is None:
            return None
        user = env.get("NEO4J_USER") or env.get("NEO4J_USERNAME")
        password = env.get("NEO4J_PASSWORD")
        if (user is None or password is None) and env.get("NEO4J_AUTH", "none") != "none":
            user, _, password = env["NEO4J_AUTH"].partition("/")
        auth = (user or "neo4j", password) if password is not None else None
        return cls(uri, auth=auth)

    async def __call__(self) -> Details:
        driver = self._driver if self._owned is None else await self._owned.get()
        async with driver.session(database=self._database) as session:
            result = await session.run(QUERY)
            records = [record async for record in result]
        details: dict[str, Any] = {}
        for record in records:
            details["version"] = ", ".join(record["versions"])
            details["edition"] = record["edition"]
        return details

    async def aclose(self) -> None:
        """Close the driver this checker created; an application's driver is left alone."""
        if self._owned is not None:
            await self._owned.aclose()
