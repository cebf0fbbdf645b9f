"""RabbitMQ: the connection is open and a channel opens; optionally required queues exist.

Driver: aio-pika (``prodready[rabbitmq]``). An application's aio-pika connection (robust or not) is
reused; otherwise one connection is opened on the first check and reopened after it is lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from prodready.health._model import Details
from prodready.health.checkers._base import OwnedClient, require

__all__ = ["RabbitMQCheck"]


class RabbitMQCheck:
    """Opens and closes one channel per check (a broker round trip, no new TCP connection).

    ``queues`` are declared passively: a missing one fails the check (the broker's 404 names it);
    present ones report their message and consumer counts in the details.
    """

    kind: ClassVar[str] = "rabbitmq"
    component_type: ClassVar[str] = "component"
    env_vars: ClassVar[tuple[str, ...]] = ("RABBITMQ_URL", "AMQP_URL")

    def __init__(
        self, url: str | None = None, *, connection: Any = None, queues: Sequence[str] = ()
    ) -> None:
        if (url is None) == (connection is None):
            raise ValueError("RabbitMQCheck takes exactly one of url= or connection=")
        self._connection = connection
        self._queues = tuple(queues)
        self._owned: OwnedClient[Any] | None = None
        if url is not None:
            aio_pika = require("aio_pika", what="aio-pika (the RabbitMQ client)", extra="rabbitmq")

            async def create() -> Any:
                return await aio_pika.connect(url, client_properties={"connection_name": "health"})

            async def close(conn: Any) -> None:
                await conn.close()

            self._owned = OwnedClient(create, close)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RabbitMQCheck | None:
        """From ``RABBITMQ_URL`` (``amqp://``/``amqps://``); ``None`` when unset."""
        for name in cls.env_vars:
            if env.get(name):
                return cls(env[name])
        return None

    async def _get_connection(self) -> Any:
        if self._owned is None:
            return self._connection
        conn = await self._owned.get()
        if conn.is_closed or not conn.connected.is_set():  # lost (broker restart): reopen
            await self._owned.reset()
            conn = await self._owned.get()
        return conn

    async def __call__(self) -> Details:
        conn = await self._get_connection()
        details: dict[str, Any] = {}
        transport = getattr(conn, "transport", None)
        props = getattr(getattr(transport, "connection", None), "server_properties", None) or {}
        if isinstance(props.get("version"), bytes | str):
            version = props["version"]
            details["version"] = version.decode() if isinstance(version, bytes) else version
        async with conn.channel(publisher_confirms=False) as channel:
            for name in self._queues:
                queue = await channel.declare_queue(name, passive=True)
                result = queue.declaration_result
                details[f"queue.{name}"] = {
                    "messages": result.message_count,
                    "consumers": result.consumer_count,
                }
        return details

    async def aclose(self) -> None:
        """Close the connection this checker opened; an application's is left alone."""
        if self._owned is not None:
            await self._owned.aclose()
