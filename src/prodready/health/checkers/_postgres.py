"""PostgreSQL: ``SELECT``-level round trip plus version, database size, connections, active queries.

Driver: asyncpg (``prodready[postgres]``). An application's own asyncpg pool or connection,
psycopg 3 ``AsyncConnection``/``AsyncConnectionPool`` or SQLAlchemy ``AsyncEngine`` is reused.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar

from prodready.health._model import Details
from prodready.health.checkers._base import CheckFailed, OwnedClient, require

__all__ = ["PostgresCheck"]

# One round trip: proves the server executes queries and gathers the facts worth showing.
QUERY = """
SELECT current_setting('server_version') AS version,
       pg_database_size(current_database()) AS size_bytes,
       (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()) AS connections,
       (SELECT count(*) FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'active'
           AND pid <> pg_backend_pid()) AS active_queries,
       (SELECT coalesce(json_object_agg(extname, extversion), '{}')::text FROM pg_extension)
         AS extensions
"""


def _asyncpg_dsn(url: str) -> str:
    """``postgresql+asyncpg://`` (SQLAlchemy style) and ``postgres://`` to what asyncpg takes."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+', 1)[0]}{sep}{rest}"


Fetch = Callable[[Any], Awaitable[Mapping[str, Any]]]


async def _fetch_sqlalchemy(engine: Any) -> Mapping[str, Any]:
    from sqlalchemy import text

    async with engine.connect() as conn:  # a pooled connection, rolled back on exit
        return dict((await conn.execute(text(QUERY))).mappings().one())


async def _fetch_asyncpg(client: Any) -> Mapping[str, Any]:
    return dict(await client.fetchrow(QUERY))


async def _fetch_psycopg_pool(pool: Any) -> Mapping[str, Any]:
    async with pool.connection() as conn:
        return await _psycopg_row(conn)


async def _fetch_psycopg(conn: Any) -> Mapping[str, Any]:
    async with conn.transaction():  # its own transaction (a savepoint inside the app's)
        return await _psycopg_row(conn)


def _fetcher(client: Any) -> Fetch:
    """How to run the query on ``client``; TypeError for a client of another kind."""
    if hasattr(client, "sync_engine"):
        return _fetch_sqlalchemy
    if hasattr(client, "fetchrow"):
        return _fetch_asyncpg
    if hasattr(client, "cursor") and hasattr(client, "transaction"):
        return _fetch_psycopg
    if hasattr(client, "connection"):
        return _fetch_psycopg_pool
    raise TypeError(
        f"PostgresCheck: client= got a {type(client).__name__}; expected an asyncpg Pool or "
        "Connection, a psycopg AsyncConnection or AsyncConnectionPool, or an SQLAlchemy AsyncEngine"
    )


async def _psycopg_row(conn: Any) -> Mapping[str, Any]:
    async with conn.cursor() as cur:
        await cur.execute(QUERY)
        names = [d.name for d in cur.description]
        return dict(zip(names, await cur.fetchone(), strict=True))


class PostgresCheck:
    """Runs one query per check over one long-lived pool (or the application's client).

    ``extensions`` lists extensions that must be installed (``["vector"]`` for pgvector): a
    missing one fails the check, naming it. The owned pool holds at most one connection, opened on
    the first check and kept, so the database sees one connection per process whatever the rate.
    """

    kind: ClassVar[str] = "postgres"
    component_type: ClassVar[str] = "datastore"
    env_vars: ClassVar[tuple[str, ...]] = ("DATABASE_URL", "POSTGRES_URL", "POSTGRESQL_URL")

    def __init__(
        self, url: str | None = None, *, client: Any = None, extensions: Sequence[str] = ()
    ) -> None:
        if (url is None) == (client is None):
            raise ValueError("PostgresCheck takes exactly one of url= or client=")
        self._client = client
        self._fetch = _fetch_asyncpg if client is None else _fetcher(client)
        self._extensions = tuple(extensions)
        self._owned: OwnedClient[Any] | None = None
        if url is not None:
            asyncpg = require("asyncpg", what="asyncpg (the PostgreSQL driver)", extra="postgres")
            dsn = _asyncpg_dsn(url)

            async def create() -> Any:
                return await asyncpg.create_pool(dsn, min_size=0, max_size=1)

            async def close(pool: Any) -> None:
                await pool.close()

            self._owned = OwnedClient(create, close)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PostgresCheck | None:
        """From ``DATABASE_URL`` (``POSTGRES_URL``), when it is a PostgreSQL URL; else ``None``."""
        for name in cls.env_vars:
            url = env.get(name, "")
            if url.split("://", 1)[0].split("+", 1)[0] in ("postgres", "postgresql"):
                return cls(url)
        return None

    async def __call__(self) -> Details:
        client = self._client if self._owned is None else await self._owned.get()
        row = await self._fetch(client)
        installed: dict[str, str] = json.loads(row["extensions"])
        missing = [name for name in self._extensions if name not in installed]
        if missing:
            raise CheckFailed(
                "required PostgreSQL extension(s) not installed: " + ", ".join(missing)
            )
        details: dict[str, Any] = {
            "version": str(row["version"]).split(" ", 1)[0],
            "database_size_mb": round(int(row["size_bytes"]) / 1_048_576, 1),
            "connections": int(row["connections"]),
            "active_queries": int(row["active_queries"]),
        }
        if self._extensions:
            details["extensions"] = {name: installed[name] for name in self._extensions}
        return details

    async def aclose(self) -> None:
        """Close the pool this checker opened; an application's client is left alone."""
        if self._owned is not None:
            await self._owned.aclose()
