"""hitl-review (seed 001) against real PostgreSQL (Alembic schema), RabbitMQ and Redis."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from tests.examples.conftest import AppFactory, post_once_connected

pytestmark = pytest.mark.slow


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


def _review(code: str) -> dict[str, object]:
    return {
        "apv_code": code,
        "cve_id": "CVE-2024-3094",
        "severity": "critical",
        "package_name": "xz-utils",
        "wargame_verdict": "exploitable",
        "wargame_confidence": 0.93,
    }


def test_new_review_is_pushed_to_websocket_clients(client: Any) -> None:
    with client.websocket_connect("/ws/reviews") as socket:
        asyncio.run(asyncio.sleep(0.3))  # the Redis relay subscribes asynchronously
        assert client.post("/reviews", json=_review("APV-WS-1")).status_code == 201
        event = json.loads(socket.receive_text())
    assert event["event"] == "new_review"
    assert event["apv_code"] == "APV-WS-1"


def test_decision_is_stored_and_queued_on_rabbitmq(client: Any, rabbitmq_server: Any) -> None:
    import aio_pika

    assert client.post("/reviews", json=_review("APV-DEC-1")).status_code == 201
    response = post_once_connected(
        client,
        "/reviews/APV-DEC-1/decision",
        {"decision": "approve", "reviewer_name": "ana", "comments": "patch verified"},
    )
    assert response.json() == {"apv_code": "APV-DEC-1", "status": "approved"}
    pending = client.get("/reviews", params={"status": "pending"}).json()
    assert "APV-DEC-1" not in {r["apv_code"] for r in pending}

    async def next_decision() -> dict[str, Any]:
        connection = await aio_pika.connect(rabbitmq_server.url)
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue("hitl.decisions", durable=True)
            for _ in range(50):
                message = await queue.get(fail=False)
                if message is not None:
                    await message.ack()
                    body: dict[str, Any] = json.loads(message.body)
                    if body["apv_code"] == "APV-DEC-1":
                        return body
                else:
                    await asyncio.sleep(0.1)
        raise AssertionError("no decision message on hitl.decisions")

    assert asyncio.run(next_decision()) == {
        "apv_code": "APV-DEC-1",
        "decision": "approve",
        "by": "ana",
    }


def test_duplicate_apv_is_a_conflict(client: Any) -> None:
    assert client.post("/reviews", json=_review("APV-DUP-1")).status_code == 201
    assert client.post("/reviews", json=_review("APV-DUP-1")).status_code == 409


def test_decision_on_unknown_review_is_404(client: Any) -> None:
    response = client.post(
        "/reviews/APV-NOPE/decision", json={"decision": "reject", "reviewer_name": "bo"}
    )
    assert response.status_code == 404
