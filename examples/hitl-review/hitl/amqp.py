"""A RabbitMQ channel that connects in the background, so the service starts while RabbitMQ is down.

``aio_pika.connect_robust`` reconnects by itself once connected, but its *first* connection raises
when the broker is down; awaiting it in the lifespan would crash every worker started during an
outage. Readiness reports RabbitMQ instead, and ``publish`` waits a moment for the connection, then
answers 503 until it is made.
"""

from __future__ import annotations

import asyncio
import contextlib

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from fastapi import HTTPException

_RETRY_S = (0.5, 1.0, 2.0, 5.0)
# A request that arrives while the first connection is being made (start-up) waits this long rather
# than failing at once; during an outage it fails fast enough for the client to retry elsewhere.
_CONNECT_WAIT_S = 3.0


class BackgroundChannel:
    def __init__(self, url: str, queue: str) -> None:
        self._url = url
        self._queue = queue
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()

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
            self._connected.set()
            return

    async def require_connection(self) -> None:
        """Answer 503 now, before the caller stores anything, if nothing could be published."""
        await self._channel_or_503()

    async def publish(self, body: bytes) -> None:
        channel = await self._channel_or_503()
        await channel.default_exchange.publish(
            aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=self._queue,
        )

    async def _channel_or_503(self) -> AbstractChannel:
        if self._channel is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._connected.wait(), _CONNECT_WAIT_S)
        if self._channel is None:
            raise HTTPException(503, "RabbitMQ is not reachable yet; retry later")
        return self._channel

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._connection is not None:
            await self._connection.close()
