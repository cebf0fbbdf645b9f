"""hitl-review (seed 001) against real PostgreSQL (Alembic schema), RabbitMQ and Redis."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tests.examples.conftest import EXAMPLES, AppFactory, migrate

pytestmark = pytest.mark.slow

QUEUE = "hitl.decisions"


@pytest.fixture
def client(
    example_client: AppFactory, postgres_server: Any, redis_server: Any, rabbitmq_server: Any
) -> Any:
    return example_client(
        "hitl-review",
        "hitl",
        {
            "DATABASE_URL": postgres_server.url,
            "REDIS_URL": redis_server.url,
            "RABBITMQ_URL": rabbitmq_server.url,
        },
    )


@pytest.fixture
def fresh_database(postgres_server: Any) -> Iterator[str]:
    """The URL of a new, empty database on the shared server, dropped after the test."""
    name = f"hitl_{uuid.uuid4().hex[:12]}"
    asyncio.run(_execute(postgres_server.url, f'CREATE DATABASE "{name}"'))
    yield postgres_server.url.rsplit("/", 1)[0] + "/" + name
    asyncio.run(_execute(postgres_server.url, f'DROP DATABASE "{name}" WITH (FORCE)'))


def _review(code: str) -> dict[str, object]:
    return {
        "apv_code": code,
        "cve_id": "CVE-2024-3094",
        "severity": "critical",
        "package_name": "xz-utils",
        "wargame_verdict": "exploitable",
        "wargame_confidence": 0.93,
    }


async def _fetch(url: str, query: str, *args: object) -> list[Any]:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


async def _execute(url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _insert_outbox_rows(url: str, apv_code: str, count: int) -> list[int]:
    """``count`` outbox rows for ``apv_code``, committed together; their ids in order."""
    payloads = [
        json.dumps({"apv_code": apv_code, "decision": "approve", "by": f"r{n}"})
        for n in range(count)
    ]
    rows = await _fetch(
        url,
        "INSERT INTO decision_outbox (payload) SELECT p::jsonb FROM unnest($1::text[]) AS p"
        " RETURNING id",
        payloads,
    )
    return sorted(row["id"] for row in rows)


async def _unpublished(url: str, ids: list[int]) -> set[int]:
    rows = await _fetch(
        url,
        "SELECT id FROM decision_outbox WHERE published_at IS NULL AND id = ANY($1)",
        ids,
    )
    return {row["id"] for row in rows}


async def _await_published(url: str, ids: list[int], timeout_s: float) -> set[int]:
    """Poll until every row in ``ids`` is published or ``timeout_s`` passes; those still not."""
    deadline = time.monotonic() + timeout_s
    while True:
        left = await _unpublished(url, ids)
        if not left or time.monotonic() > deadline:
            return left
        await asyncio.sleep(0.2)


def _wait_until(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout_s} s")
        time.sleep(0.2)


async def _next_decision(
    url: str, apv_code: str, timeout_s: float = 30
) -> tuple[dict[str, Any], str | None]:
    """The next message for ``apv_code`` on the queue and its message_id; others are consumed."""
    import aio_pika

    deadline = time.monotonic() + timeout_s
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(QUEUE, durable=True)
        while time.monotonic() < deadline:
            message = await queue.get(fail=False)
            if message is None:
                await asyncio.sleep(0.1)
                continue
            await message.ack()
            body: dict[str, Any] = json.loads(message.body)
            if body["apv_code"] == apv_code:
                return body, message.message_id
    raise AssertionError(f"no decision for {apv_code} on {QUEUE} within {timeout_s} s")


async def _drain_decisions(url: str) -> list[dict[str, Any]]:
    """Every message on the queue now (consumed)."""
    import aio_pika

    bodies = []
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(QUEUE, durable=True)
        while (message := await queue.get(fail=False)) is not None:
            await message.ack()
            bodies.append(json.loads(message.body))
    return bodies


def test_new_review_is_pushed_to_websocket_clients(client: Any) -> None:
    with client.websocket_connect("/ws/reviews") as socket:
        asyncio.run(asyncio.sleep(0.3))  # the Redis relay subscribes asynchronously
        assert client.post("/reviews", json=_review("APV-WS-1")).status_code == 201
        event = json.loads(socket.receive_text())
    assert event["event"] == "new_review"
    assert event["apv_code"] == "APV-WS-1"


def test_decision_is_stored_and_queued_on_rabbitmq(client: Any, rabbitmq_server: Any) -> None:
    assert client.post("/reviews", json=_review("APV-DEC-1")).status_code == 201
    response = client.post(
        "/reviews/APV-DEC-1/decision",
        json={"decision": "approve", "reviewer_name": "ana", "comments": "patch verified"},
    )
    assert response.status_code == 201
    assert response.json() == {"apv_code": "APV-DEC-1", "status": "approved"}
    pending = client.get("/reviews", params={"status": "pending"}).json()
    assert "APV-DEC-1" not in {r["apv_code"] for r in pending}

    body, message_id = asyncio.run(_next_decision(rabbitmq_server.url, "APV-DEC-1"))
    outbox_id = body.pop("id")
    assert body == {"apv_code": "APV-DEC-1", "decision": "approve", "by": "ana"}
    assert message_id == str(outbox_id)


def test_decision_taken_while_rabbitmq_is_down_is_stored_and_queued_once_it_is_back(
    client: Any, rabbitmq_server: Any, postgres_server: Any
) -> None:
    assert client.post("/reviews", json=_review("APV-OUTAGE-1")).status_code == 201
    rabbitmq_server.stop()
    try:
        response = client.post(
            "/reviews/APV-OUTAGE-1/decision", json={"decision": "reject", "reviewer_name": "bo"}
        )
        assert response.status_code == 201
        assert response.json() == {"apv_code": "APV-OUTAGE-1", "status": "rejected"}
        rows = asyncio.run(
            _fetch(
                postgres_server.url,
                "SELECT published_at FROM decision_outbox WHERE payload->>'apv_code' = $1",
                "APV-OUTAGE-1",
            )
        )
        assert [row["published_at"] for row in rows] == [None]
    finally:
        rabbitmq_server.start()

    body, _ = asyncio.run(_next_decision(rabbitmq_server.url, "APV-OUTAGE-1", timeout_s=60))
    assert {k: v for k, v in body.items() if k != "id"} == {
        "apv_code": "APV-OUTAGE-1",
        "decision": "reject",
        "by": "bo",
    }


def test_two_instances_publish_each_outbox_row_once(
    example_client: AppFactory,
    postgres_server: Any,
    redis_server: Any,
    rabbitmq_server: Any,
) -> None:
    env = {
        "DATABASE_URL": postgres_server.url,
        "REDIS_URL": redis_server.url,
        "RABBITMQ_URL": rabbitmq_server.url,
    }
    clients = [example_client("hitl-review", "hitl", env) for _ in range(2)]
    _wait_until(lambda: all(c.app.state.clients.decisions.connected for c in clients), 60)
    marker = f"APV-ONCE-{uuid.uuid4().hex[:8]}"
    ids = asyncio.run(_insert_outbox_rows(postgres_server.url, marker, 400))
    # Wake both relays at once, so that they compete for the same rows rather than take turns.
    for c in clients:
        c.portal.call(c.app.state.clients.outbox.wake)

    assert asyncio.run(_await_published(postgres_server.url, ids, 60)) == set()
    bodies = asyncio.run(_drain_decisions(rabbitmq_server.url))
    sent = Counter(body["id"] for body in bodies if body["apv_code"] == marker)
    assert sorted(sent) == ids
    assert set(sent.values()) == {1}


def test_relay_publishes_later_rows_while_an_earlier_one_is_locked(
    client: Any, postgres_server: Any
) -> None:
    """SKIP LOCKED: a row another transaction holds is skipped, not waited for, then published."""
    import asyncpg

    url = postgres_server.url
    marker = f"APV-SKIP-{uuid.uuid4().hex[:8]}"

    async def observe() -> tuple[int, set[int], set[int]]:
        # The relay polls every second, so it may take both new rows before the holder locks
        # the first: then nothing was shown, and the setup is tried again with fresh rows.
        for _attempt in range(5):
            locked, later = await _insert_outbox_rows(url, marker, 2)
            holder = await asyncpg.connect(url)
            try:
                async with holder.transaction():
                    still_pending = await holder.fetchval(
                        "SELECT published_at IS NULL FROM decision_outbox WHERE id = $1 FOR UPDATE",
                        locked,
                    )
                    if not still_pending or not await _unpublished(url, [later]):
                        continue
                    await _await_published(url, [later], 30)
                    while_held = await _unpublished(url, [locked, later])
            finally:
                await holder.close()
            return locked, while_held, await _await_published(url, [locked, later], 30)
        raise AssertionError("the relay took every new row before one could be locked, 5 times")

    locked, unpublished_while_held, unpublished_after = asyncio.run(observe())
    assert unpublished_while_held == {locked}
    assert unpublished_after == set()


def test_relay_resumes_after_a_database_outage(client: Any, postgres_server: Any) -> None:
    """A database error fails a relay round, not the relay: it publishes again once back."""
    _wait_until(lambda: client.app.state.clients.decisions.connected, 60)
    postgres_server.stop()
    try:
        time.sleep(2.5)  # a few relay rounds fail against the stopped server
    finally:
        postgres_server.start()
    ids = asyncio.run(_insert_outbox_rows(postgres_server.url, "APV-DB-OUTAGE", 1))
    assert asyncio.run(_await_published(postgres_server.url, ids, 30)) == set()


def test_duplicate_apv_is_a_conflict(client: Any) -> None:
    assert client.post("/reviews", json=_review("APV-DUP-1")).status_code == 201
    assert client.post("/reviews", json=_review("APV-DUP-1")).status_code == 409


def test_decision_on_unknown_review_is_404(client: Any) -> None:
    response = client.post(
        "/reviews/APV-NOPE/decision", json={"decision": "reject", "reviewer_name": "bo"}
    )
    assert response.status_code == 404


def test_migration_creates_the_outbox_table(fresh_database: str) -> None:
    migrate("hitl-review", {"DATABASE_URL": fresh_database})
    columns = asyncio.run(
        _fetch(
            fresh_database,
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
            " WHERE table_name = 'decision_outbox'",
        )
    )
    assert {c["column_name"]: (c["data_type"], c["is_nullable"]) for c in columns} == {
        "id": ("bigint", "NO"),
        "payload": ("jsonb", "NO"),
        "created_at": ("timestamp with time zone", "NO"),
        "published_at": ("timestamp with time zone", "YES"),
    }
    [index] = asyncio.run(
        _fetch(
            fresh_database,
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_decision_outbox_unpublished'",
        )
    )
    assert index["indexdef"].endswith("(id) WHERE (published_at IS NULL)")


def test_migration_downgrade_drops_the_outbox_table_only(fresh_database: str) -> None:
    migrate("hitl-review", {"DATABASE_URL": fresh_database})
    subprocess.run(
        [sys.executable, "-m", "alembic", "downgrade", "0001"],
        cwd=EXAMPLES / "hitl-review",
        env={**os.environ, "DATABASE_URL": fresh_database},
        check=True,
        capture_output=True,
    )
    tables = asyncio.run(
        _fetch(fresh_database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    )
    assert {t["tablename"] for t in tables} == {"alembic_version", "apv_reviews", "hitl_decisions"}
