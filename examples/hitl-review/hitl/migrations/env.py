"""Alembic environment: the URL comes from DATABASE_URL, the same variable the app reads."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine


def _async_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


async def _run() -> None:
    engine = create_async_engine(_async_url(os.environ["DATABASE_URL"]))
    async with engine.connect() as conn:
        await conn.run_sync(_migrate)
        await conn.commit()
    await engine.dispose()


def _migrate(connection: object) -> None:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


asyncio.run(_run())
