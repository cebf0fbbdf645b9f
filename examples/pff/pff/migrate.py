"""The schema, applied once per release (``python -m pff.migrate``), never at app start-up."""

from __future__ import annotations

import os

import psycopg

from pff.embedding import DIMENSIONS

STATEMENTS = (
    "CREATE EXTENSION IF NOT EXISTS vector",
    f"""CREATE TABLE IF NOT EXISTS documents (
        id        bigserial PRIMARY KEY,
        title     text NOT NULL,
        body      text NOT NULL,
        status    text NOT NULL DEFAULT 'pending',
        embedding vector({DIMENSIONS})
    )""",
)


def migrate(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        for statement in STATEMENTS:
            conn.execute(statement)


if __name__ == "__main__":
    migrate(os.environ["DATABASE_URL"])
