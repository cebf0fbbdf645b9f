"""The schema, applied once per release (``python -m immune_core.migrate``), never at app start-up.

Creating tables from every worker's start-up races: two workers both run ``CREATE TABLE IF NOT
EXISTS`` and one fails on the catalog's unique index, taking the whole server down.
"""

from __future__ import annotations

import asyncio
import os

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS immune_memory (
    antigen    text PRIMARY KEY,
    response   text NOT NULL,
    strength   double precision NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
)
"""


async def migrate(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(SCHEMA)
    finally:
        await conn.close()


if __name__ == "__main__":
    asyncio.run(migrate(os.environ["DATABASE_URL"]))
