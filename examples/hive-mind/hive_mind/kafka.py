"""A Kafka producer that connects in the background, so the service starts while Kafka is down.

aiokafka's ``start()`` fails when no broker answers; awaiting it in the lifespan would crash every
worker started during a Kafka outage (and uvicorn then stops the whole server). Readiness reports
Kafka instead, and ``send`` waits a moment for the connection, then answers 503 until it is made.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.structs import RecordMetadata
from fastapi import HTTPException

_RETRY_S = (0.5, 1.0, 2.0, 5.0)
# A request that arrives while the first connection is being made (start-up) waits this long rather
# than failing at once; during an outage it fails fast enough for the client to retry elsewhere.
_CONNECT_WAIT_S = 3.0


class BackgroundProducer:
    def __init__(self, bootstrap_servers: str) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect())

    async def _connect(self) -> None:
        attempt = 0
        while True:
            producer = AIOKafkaProducer(bootstrap_servers=self._bootstrap_servers)
            try:
                await producer.start()
            except KafkaError:
                await producer.stop()
                await asyncio.sleep(_RETRY_S[min(attempt, len(_RETRY_S) - 1)])
                attempt += 1
                continue
            self._producer = producer
            self._connected.set()
            return

    async def send(self, topic: str, value: bytes, key: bytes) -> RecordMetadata:
        if self._producer is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._connected.wait(), _CONNECT_WAIT_S)
        if self._producer is None:
            raise HTTPException(503, "Kafka is not reachable yet; retry later")
        return await self._producer.send_and_wait(topic, value, key=key)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._producer is not None:
            await self._producer.stop()
