"""The Celery worker: embeds documents off the request path.

Run with ``celery -A pff.worker worker``. The broker and result backend are Redis (``REDIS_URL``);
the task writes the embedding with psycopg (Celery tasks are synchronous).
"""

from __future__ import annotations

import os

import psycopg
from celery import Celery

from pff.embedding import embed, to_pgvector

celery_app = Celery(
    "pff",
    broker=os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL"),
    backend=os.environ.get("REDIS_URL"),
)
celery_app.conf.update(
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)


@celery_app.task(name="pff.embed_document")
def embed_document(document_id: int) -> str:
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT title, body FROM documents WHERE id = %s", (document_id,)
        ).fetchone()
        if row is None:
            return "missing"
        vector = to_pgvector(embed(f"{row[0]} {row[1]}"))
        conn.execute(
            "UPDATE documents SET embedding = %s::vector, status = 'embedded' WHERE id = %s",
            (vector, document_id),
        )
    return "embedded"
