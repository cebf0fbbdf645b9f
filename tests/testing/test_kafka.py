from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError

from prodready.testing import KafkaServer


async def _produce(bootstrap: str, topic: str, value: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=30000)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value)
    finally:
        await producer.stop()


async def _consume_one(bootstrap: str, topic: str) -> bytes | None:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"group-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=30000, max_records=1)
        for records in batches.values():
            return records[0].value
        return None
    finally:
        await consumer.stop()


async def test_kafka_server_round_trips_a_message_through_a_consumer_group(
    kafka_server: KafkaServer,
) -> None:
    topic = f"roundtrip-{uuid.uuid4().hex}"
    await _produce(kafka_server.bootstrap_servers, topic, b"hello")
    assert await _consume_one(kafka_server.bootstrap_servers, topic) == b"hello"


@pytest.mark.slow
async def test_shared_kafka_stopped_fails_producers_then_restart_keeps_the_log(
    kafka_server: KafkaServer,
) -> None:
    server = kafka_server
    topic = f"kept-{uuid.uuid4().hex}"
    await _produce(server.bootstrap_servers, topic, b"kept")

    server.stop()
    producer = AIOKafkaProducer(bootstrap_servers=server.bootstrap_servers)
    with pytest.raises(KafkaConnectionError):
        await producer.start()
    await producer.stop()

    server.start()
    assert await _consume_one(server.bootstrap_servers, topic) == b"kept"
