"""RabbitMQ specifics: required queues by passive declare, the application's connection reused."""

from __future__ import annotations

import uuid
from typing import Any

from prodready.health import Status
from prodready.health.checkers import RabbitMQCheck

from .conftest import RunnerFactory


async def test_required_queues_report_messages_and_consumers(rabbitmq_server: Any) -> None:
    import aio_pika

    name = f"orders-{uuid.uuid4().hex[:8]}"
    connection = await aio_pika.connect(rabbitmq_server.url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(name, auto_delete=False)
        await channel.default_exchange.publish(aio_pika.Message(b"x"), routing_key=name)
        check = RabbitMQCheck(connection=connection, queues=[name])
        details = await check()
        await check.aclose()
        assert details[f"queue.{name}"] == {"messages": 1, "consumers": 0}
        assert not connection.is_closed  # the application's connection is left open
        await queue.delete(if_unused=False, if_empty=False)
    finally:
        await connection.close()


async def test_a_missing_required_queue_fails_naming_it_and_the_next_check_recovers(
    rabbitmq_server: Any, make_runner: RunnerFactory
) -> None:
    import aio_pika

    name = f"late-{uuid.uuid4().hex[:8]}"
    runner = make_runner(RabbitMQCheck(rabbitmq_server.url, queues=[name]), timeout=10)
    result = await runner.run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.error is not None
    assert name in result.error
    # The broker's 404 closed only the check's channel: once the queue exists, the same checker
    # (same connection) passes.
    connection = await aio_pika.connect(rabbitmq_server.url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(name)
        assert (await runner.run("dep")).status is Status.HEALTHY
        await queue.delete(if_unused=False, if_empty=False)
    finally:
        await connection.close()
