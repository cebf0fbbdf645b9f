"""Kafka specifics: required topics, and the application's own producer reused."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from prodready.health import Status
from prodready.health.checkers import KafkaCheck

from .conftest import RunnerFactory


async def test_required_topics_pass_when_present_and_fail_naming_the_missing_ones(
    kafka_server: Any, make_runner: RunnerFactory
) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    present, absent = f"orders-{uuid.uuid4().hex[:8]}", f"absent-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_server.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(present, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    ok = make_runner(KafkaCheck(kafka_server.bootstrap_servers, topics=[present]), timeout=10)
    result = await ok.run("dep")
    assert result.status is Status.HEALTHY, result.error
    assert result.details["brokers"] == 1
    assert result.details["topics"] >= 1
    missing = KafkaCheck(kafka_server.bootstrap_servers, topics=[present, absent])
    result = await make_runner(missing, timeout=10).run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.error is not None
    assert absent in result.error
    assert present not in result.error


async def test_reuses_the_applications_producer_and_leaves_it_running(kafka_server: Any) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=kafka_server.bootstrap_servers)
    await producer.start()
    try:
        check = KafkaCheck(client=producer)
        assert (await check())["brokers"] == 1
        await check.aclose()
        await producer.send_and_wait(f"after-{uuid.uuid4().hex[:8]}", b"still works")
    finally:
        await producer.stop()


def test_a_client_of_another_kind_is_refused_when_built() -> None:
    with pytest.raises(TypeError, match="expected a started AIOKafkaClient or AIOKafkaProducer"):
        KafkaCheck(client=object())
