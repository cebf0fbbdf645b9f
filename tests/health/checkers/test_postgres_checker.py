"""PostgreSQL specifics: the application's own clients are reused, extensions, URL forms."""

from __future__ import annotations

from typing import Any

import pytest

from prodready.health import Status
from prodready.health.checkers import PostgresCheck

from .conftest import RunnerFactory


async def test_reuses_the_applications_asyncpg_pool_and_leaves_it_open(
    postgres_server: Any,
) -> None:
    import asyncpg

    pool = await asyncpg.create_pool(postgres_server.url, min_size=1, max_size=2)
    try:
        check = PostgresCheck(client=pool)
        details = await check()
        await check.aclose()
        assert details["connections"] >= 1
        assert await pool.fetchval("SELECT 1") == 1  # still usable: aclose left it alone
    finally:
        await pool.close()


async def test_accepts_an_asyncpg_connection(postgres_server: Any) -> None:
    import asyncpg

    conn = await asyncpg.connect(postgres_server.url)
    try:
        assert "version" in await PostgresCheck(client=conn)()
    finally:
        await conn.close()


async def test_accepts_a_psycopg_async_connection_and_leaves_no_open_transaction(
    postgres_server: Any,
) -> None:
    import psycopg

    conn = await psycopg.AsyncConnection.connect(postgres_server.url)
    try:
        assert "version" in await PostgresCheck(client=conn)()
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    finally:
        await conn.close()


async def test_accepts_a_psycopg_async_pool(postgres_server: Any) -> None:
    from psycopg_pool import AsyncConnectionPool

    async with AsyncConnectionPool(postgres_server.url, min_size=1, max_size=1, open=False) as pool:
        assert "database_size_mb" in await PostgresCheck(client=pool)()


async def test_accepts_an_sqlalchemy_async_engine(postgres_server: Any) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    url = postgres_server.url.replace("postgresql://", "postgresql+asyncpg://", 1)
    engine = create_async_engine(url)
    try:
        assert "active_queries" in await PostgresCheck(client=engine)()
    finally:
        await engine.dispose()


async def test_a_missing_required_extension_fails_naming_it(
    postgres_server: Any, make_runner: RunnerFactory
) -> None:
    result = await make_runner(PostgresCheck(postgres_server.url, extensions=["vector"])).run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.error is not None
    assert "vector" in result.error


async def test_an_installed_required_extension_reports_its_version(postgres_server: Any) -> None:
    check = PostgresCheck(postgres_server.url, extensions=["plpgsql"])
    try:
        assert (await check())["extensions"] == {"plpgsql": "1.0"}
    finally:
        await check.aclose()


async def test_an_sqlalchemy_style_url_from_database_url_works(postgres_server: Any) -> None:
    url = postgres_server.url.replace("postgresql://", "postgresql+asyncpg://", 1)
    check = PostgresCheck.from_env({"DATABASE_URL": url})
    assert check is not None
    try:
        assert "version" in await check()
    finally:
        await check.aclose()


def test_a_non_postgres_database_url_registers_nothing() -> None:
    assert PostgresCheck.from_env({"DATABASE_URL": "sqlite:///./app.db"}) is None


def test_url_and_client_together_are_refused() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        PostgresCheck("postgresql://db/app", client=object())


def test_a_client_of_another_kind_is_refused_when_built() -> None:
    with pytest.raises(TypeError, match="expected an asyncpg Pool"):
        PostgresCheck(client=object())
