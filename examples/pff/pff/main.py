"""The PFF API.

- ``POST /documents`` stores a document and queues its embedding on the Celery worker;
- ``GET /documents/{id}`` shows its status (``pending`` → ``embedded``);
- ``GET /search?q=…`` ranks embedded documents by pgvector cosine distance.

The seed's ``/health`` (fast, no dependencies) is prodready's ``/health/live``; its
``/health/detailed`` (PostgreSQL + Redis, 503 when unhealthy) is ``/health/ready``, whose
per-component details ``/health/components`` shows to authorised callers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import psycopg_pool
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from pydantic import BaseModel, Field

import prodready
from pff.embedding import embed, to_pgvector
from pff.settings import Settings
from pff.worker import embed_document


class DocumentIn(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    body: Annotated[str, Field(min_length=1, max_length=100_000)]


def _pool(request: Request) -> psycopg_pool.AsyncConnectionPool:
    return request.app.state.pool  # type: ignore[no-any-return]


# Module level: FastAPI resolves these string annotations in the module's namespace.
Pool = Annotated[psycopg_pool.AsyncConnectionPool, Depends(_pool)]


def create_app(settings: Settings | None = None) -> prodready.Instrumented:
    settings = settings or Settings.load()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = psycopg_pool.AsyncConnectionPool(
            settings.database_url.get_secret_value(), min_size=1, max_size=5, open=False
        )
        await pool.open()
        app.state.pool = pool
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(title="PFF", version="1.0.0", lifespan=lifespan)

    @app.post("/documents", status_code=202)
    async def add_document(doc: DocumentIn, db: Pool) -> dict[str, object]:
        async with db.connection() as conn:
            cur = await conn.execute(
                "INSERT INTO documents (title, body) VALUES (%s, %s) RETURNING id",
                (doc.title, doc.body),
            )
            row = await cur.fetchone()
        if row is None:  # INSERT … RETURNING yields the row unless the insert failed
            raise HTTPException(500, "document was not stored")
        embed_document.delay(row[0])
        return {"id": row[0], "status": "pending"}

    @app.get("/documents/{document_id}")
    async def get_document(document_id: int, db: Pool) -> dict[str, object]:
        async with db.connection() as conn:
            cur = await conn.execute(
                "SELECT id, title, status FROM documents WHERE id = %s", (document_id,)
            )
            row = await cur.fetchone()
        if row is None:
            raise HTTPException(404, f"no document {document_id}")
        return {"id": row[0], "title": row[1], "status": row[2]}

    @app.get("/search")
    async def search(
        db: Pool, q: Annotated[str, Query(min_length=1)], limit: Annotated[int, Query(le=50)] = 5
    ) -> list[dict[str, object]]:
        async with db.connection() as conn:
            cur = await conn.execute(
                "SELECT id, title, embedding <=> %s::vector AS distance FROM documents "
                "WHERE embedding IS NOT NULL ORDER BY distance LIMIT %s",
                (to_pgvector(embed(q)), limit),
            )
            rows = await cur.fetchall()
        return [{"id": r[0], "title": r[1], "distance": round(r[2], 6)} for r in rows]

    return prodready.instrument(app, settings=settings)


app = create_app()
