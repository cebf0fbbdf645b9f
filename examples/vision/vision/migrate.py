"""The schema, applied once per release (``python -m vision.migrate``), never at app start-up.

Creating tables from every worker's start-up races: two workers both run ``CREATE TABLE IF NOT
EXISTS`` and one fails on the catalog's unique index, taking the whole server down.
"""

from __future__ import annotations

import asyncio
import os

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS analyses (
    sha256       char(64) PRIMARY KEY,
    width        integer NOT NULL,
    height       integer NOT NULL,
    brightness   double precision NOT NULL,
    contrast     double precision NOT NULL,
    edge_density double precision NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
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
