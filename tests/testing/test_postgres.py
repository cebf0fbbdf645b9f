from __future__ import annotations

import asyncio

import asyncpg
import pytest

from prodready.errors import ExternalToolError
from prodready.testing import PostgresServer
from prodready.testing.pytest_plugin import ServerFactory


async def test_postgres_server_answers_a_query_with_the_url_credentials(
    postgres_server: PostgresServer,
) -> None:
    conn = await asyncpg.connect(postgres_server.url)
    try:
        assert await conn.fetchval("SELECT current_user || '@' || current_database()") == (
            "prodready@prodready"
        )
    finally:
        await conn.close()


async def test_postgres_server_rejects_a_wrong_password(postgres_server: PostgresServer) -> None:
    url = postgres_server.url.replace(postgres_server.password, "wrong")
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(url)


async def test_postgres_stop_fails_connections_and_restart_recovers_with_data(
    server_factory: ServerFactory,
) -> None:
    server = server_factory(PostgresServer)
    conn = await asyncpg.connect(server.url)
    await conn.execute("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)")
    await conn.close()

    server.stop()
    assert not server.is_running
    with pytest.raises(ConnectionRefusedError):
        await asyncpg.connect(server.url, timeout=5)

    server.start()
    conn = await asyncpg.connect(server.url)
    try:
        assert await conn.fetchval("SELECT v FROM kept") == 42
    finally:
        await conn.close()


async def test_postgres_extensions_are_created_before_the_first_start(
    server_factory: ServerFactory,
) -> None:
    server = server_factory(PostgresServer, extensions=("pg_trgm",))
    conn = await asyncpg.connect(server.url)
    try:
        assert await conn.fetchval("SELECT similarity('prodready', 'prodreadx')") > 0.5
    finally:
        await conn.close()


def test_postgres_missing_extension_raises_naming_it() -> None:
    server = PostgresServer(extensions=("no_such_extension",))
    with pytest.raises(ExternalToolError, match=r"extension\(s\) no_such_extension"):
        server.start()
    server.close()


def test_postgres_with_pgvector_stores_and_ranks_vectors() -> None:
    """pgvector comes from a PyPI-shipped PostgreSQL when Debian's installation lacks it."""

    async def nearest(url: str) -> list[int]:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("CREATE TABLE items (id int, embedding vector(3))")
            await conn.execute(
                "INSERT INTO items VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]')"
            )
            rows = await conn.fetch("SELECT id FROM items ORDER BY embedding <=> '[1,0,0]' LIMIT 2")
            return [row["id"] for row in rows]
        finally:
            await conn.close()

    with PostgresServer(extensions=("vector",)) as server:
        assert asyncio.run(nearest(server.url)) == [1, 3]
