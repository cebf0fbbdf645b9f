"""A RabbitMQ channel that connects in the background, so the service starts while RabbitMQ is down.

``aio_pika.connect_robust`` reconnects by itself once connected, but its *first* connection raises
when the broker is down; awaiting it in the lifespan would crash every worker started during an
outage. Readiness reports RabbitMQ instead.

Nothing here retries a publication: :meth:`BackgroundChannel.publish` either gets the broker's
confirmation or raises :class:`BrokerUnavailable`. The decision outbox (:mod:`hitl.outbox`) keeps
what could not be published and tries again; :meth:`BackgroundChannel.on_connect` tells it when the
broker is back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractRobustConnection

_RETRY_S = (0.5, 1.0, 2.0, 5.0)


class BrokerUnavailable(Exception):
    """A message was not confirmed by RabbitMQ: not connected, refused, or no answer in time.

    The broker may still have taken it (a confirmation lost on the way back), so publishing again
    can produce a duplicate.
    """


class BackgroundChannel:
    """A confirming channel to the durable queue ``queue``, connected by a background task."""

    def __init__(self, url: str, queue: str) -> None:
        self._url = url
        self._queue = queue
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._task: asyncio.Task[None] | None = None
        self._listeners: list[Callable[[], None]] = []

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect())

    def on_connect(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after the first connection and after each reconnection.

        Called once the queue is declared again, so a publication from the listener can succeed.
        """
        self._listeners.append(listener)

    @property
    def connected(self) -> bool:
        """True while the connection is up (a publication may still fail)."""
        return self._connection is not None and self._connection.connected.is_set()

    async def _connect(self) -> None:
        attempt = 0
        while True:
            try:
                connection = await aio_pika.connect_robust(self._url)
            except (OSError, aio_pika.exceptions.AMQPError):
                await asyncio.sleep(_RETRY_S[min(attempt, len(_RETRY_S) - 1)])
                attempt += 1
                continue
            try:
                channel = await connection.channel()  # publisher confirms: on by default
                await channel.declare_queue(self._queue, durable=True)
            except (OSError, aio_pika.exceptions.AMQPError):
                # The broker went away again (or refused the queue): start over rather than end
                # this task, which would leave the worker without a channel until it restarts.
                await connection.close()
                await asyncio.sleep(_RETRY_S[min(attempt, len(_RETRY_S) - 1)])
                attempt += 1
                continue
            # The robust connection declares the queue again on its restored channel before it
            # runs these callbacks.
            connection.reconnect_callbacks.add(self._reconnected)
            self._connection, self._channel = connection, channel
            self._notify()
            return

    def _reconnected(self, _connection: Any) -> None:
        self._notify()

    def _notify(self) -> None:
        for listener in self._listeners:
            listener()

    async def publish(self, body: bytes, *, message_id: str, confirm_within: float) -> None:
        """Publish a persistent JSON message; wait up to ``confirm_within`` s for the confirmation.

        Raises :class:`BrokerUnavailable` at once when not connected: a robust channel would
        otherwise wait for the reconnection, however long the outage.
        """
        channel = self._channel
        if channel is None or not self.connected:
            raise BrokerUnavailable("RabbitMQ is not connected")
        message = aio_pika.Message(
            body,
            message_id=message_id,
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        try:
            async with asyncio.timeout(confirm_within):
                await channel.default_exchange.publish(message, routing_key=self._queue)
        except TimeoutError as e:
            raise BrokerUnavailable(f"RabbitMQ did not confirm within {confirm_within} s") from e
        except (
            OSError,
            aio_pika.exceptions.AMQPError,
            # A RuntimeError, not an AMQPError: the channel closed under us (the outage began).
            aio_pika.exceptions.ChannelInvalidStateError,
        ) as e:
            raise BrokerUnavailable(f"RabbitMQ refused the message: {type(e).__name__}") from e

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._connection is not None:
            await self._connection.close()
