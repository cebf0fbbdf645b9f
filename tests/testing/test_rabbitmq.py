from __future__ import annotations

import aio_pika
import pytest

from prodready.testing import RabbitMQServer


async def test_rabbitmq_server_round_trips_a_message_with_the_url_credentials(
    rabbitmq_server: RabbitMQServer,
) -> None:
    connection = await aio_pika.connect(rabbitmq_server.url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("prodready-roundtrip", auto_delete=True)
        await channel.default_exchange.publish(
            aio_pika.Message(body=b"hello"), routing_key=queue.name
        )
        message = await queue.get(timeout=10)
        assert message is not None
        await message.ack()
        assert message.body == b"hello"


async def test_rabbitmq_server_rejects_a_wrong_password(rabbitmq_server: RabbitMQServer) -> None:
    url = rabbitmq_server.url.replace(rabbitmq_server.password, "wrong")
    with pytest.raises(aio_pika.exceptions.ProbableAuthenticationError):
        await aio_pika.connect(url)


@pytest.mark.slow
async def test_shared_rabbitmq_stopped_fails_then_restart_keeps_durable_messages(
    rabbitmq_server: RabbitMQServer,
) -> None:
    server = rabbitmq_server
    connection = await aio_pika.connect(server.url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("durable", durable=True)
        await channel.default_exchange.publish(
            aio_pika.Message(b"kept", delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=queue.name,
        )

    server.stop()
    assert server.leftovers() == []  # the node, its epmd and all three ports are gone
    with pytest.raises(aio_pika.exceptions.AMQPConnectionError):
        await aio_pika.connect(server.url)

    server.start()
    connection = await aio_pika.connect(server.url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("durable", durable=True)
        message = await queue.get(timeout=10)
        assert message is not None
        assert message.body == b"kept"
        await message.ack()
