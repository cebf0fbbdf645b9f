"""immune-core (seed 000) against real PostgreSQL, Redis and Kafka."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from tests.examples.conftest import AppFactory, post_once_connected

pytestmark = pytest.mark.slow


@pytest.fixture
def client(
    example_client: AppFactory, postgres_server: Any, redis_server: Any, kafka_server: Any
) -> Any:
    return example_client(
        "immune-core",
        "immune_core",
        {
            "DATABASE_URL": postgres_server.url,
            "REDIS_URL": redis_server.url,
            "KAFKA_BOOTSTRAP_SERVERS": kafka_server.bootstrap_servers,
        },
    )


def test_cytokine_signal_lands_on_the_kafka_topic(client: Any, kafka_server: Any) -> None:
    from aiokafka import AIOKafkaConsumer

    signal = {"kind": "IL-6", "source": "macrophage-7", "intensity": 0.8}
    response = post_once_connected(client, "/cytokines", signal)
    assert response.status_code == 202, response.text
    offset = response.json()["offset"]

    async def consume() -> dict[str, Any]:
        consumer = AIOKafkaConsumer(
            "immune.cytokines",
            bootstrap_servers=kafka_server.bootstrap_servers,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            async for message in consumer:
                if message.offset == offset:
                    return json.loads(message.value)  # type: ignore[no-any-return]
        finally:
            await consumer.stop()
        raise AssertionError("topic ended before the offset")

    assert asyncio.run(asyncio.wait_for(consume(), 60)) == {
        "kind": "IL-6",
        "source": "macrophage-7",
        "intensity": 0.8,
    }


def test_hormone_levels_round_trip_through_redis(client: Any) -> None:
    assert client.put("/hormones/cortisol", json={"level": 12.5}).status_code == 200
    assert client.get("/hormones/cortisol").json() == {"name": "cortisol", "level": 12.5}
    assert client.get("/hormones/never-set").status_code == 404


def test_immune_memory_persists_in_postgres(client: Any) -> None:
    memory = {"antigen": "spike-protein", "response": "igg-antibodies", "strength": 0.9}
    assert client.post("/memories", json=memory).status_code == 201
    assert client.get("/memories/spike-protein").json() == memory


def test_invalid_cytokine_is_rejected_with_422(client: Any) -> None:
    response = client.post("/cytokines", json={"kind": "IL-999", "source": "x", "intensity": 2})
    assert response.status_code == 422


def test_readiness_reports_each_dependency(client: Any) -> None:
    response = client.get("/health/ready")
    for _ in range(50):
        if response.status_code == 200:
            break
        asyncio.run(asyncio.sleep(0.2))
        response = client.get("/health/ready")
    assert response.status_code == 200, response.text
    components = client.get("/health/components").json()["components"]
    assert {"postgres", "redis", "kafka"} <= set(components)
