"""A RabbitMQ channel that connects in the background, so the service starts while RabbitMQ is down.

``aio_pika.connect_robust`` reconnects by itself once connected, but its *first* connection raises
when the broker is down; awaiting it in the lifespan would crash every worker started during an
outage. Readiness reports RabbitMQ instead, and ``publish`` answers 503 until connected.
"""

from __future__ import annotations

import asyncio
import contextlib

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from fastapi import HTTPException

_RETRY_S = (0.5, 1.0, 2.0, 5.0)


class BackgroundChannel:
    def __init__(self, url: str, queue: str) -> None:
        self._url = url
        self._queue = queue
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect())

    async def _connect(self) -> None:
        attempt = 0
        while True:
            try:
                connection = await aio_pika.connect_robust(self._url)
            except (OSError, aio_pika.exceptions.AMQPError):
                await asyncio.sleep(_RETRY_S[min(attempt, len(_RETRY_S) - 1)])
                attempt += 1
                continue
            channel = await connection.channel()
            await channel.declare_queue(self._queue, durable=True)
            self._connection, self._channel = connection, channel
            return

    async def publish(self, body: bytes) -> None:
        if self._channel is None:
            raise HTTPException(503, "RabbitMQ is not reachable yet; retry later")
        await self._channel.default_exchange.publish(
            aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=self._queue,
        )

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._connection is not None:
            await self._connection.close()
