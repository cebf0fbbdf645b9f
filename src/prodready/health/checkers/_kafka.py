"""Kafka: cluster metadata (brokers, topics, controller), optionally required topics.

Driver: aiokafka (``prodready[kafka]``). An application's started ``AIOKafkaClient`` or
``AIOKafkaProducer`` is reused; otherwise one client is bootstrapped on the first check and kept.
Metadata is read, nothing is produced: no test topic, no ACL for writes needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from prodready.health._model import Details
from prodready.health.checkers._base import CheckFailed, OwnedClient, require

__all__ = ["KafkaCheck"]


class KafkaCheck:
    """One metadata request per check; a missing required topic fails the check, naming it.

    Details: broker count, topic count (internal topics excluded), controller id, and whether the
    controller is known (no controller means the cluster cannot elect partition leaders).
    """

    kind: ClassVar[str] = "kafka"
    component_type: ClassVar[str] = "datastore"
    env_vars: ClassVar[tuple[str, ...]] = ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BROKERS")

    def __init__(
        self,
        bootstrap_servers: str | Sequence[str] | None = None,
        *,
        client: Any = None,
        topics: Sequence[str] = (),
        **client_options: Any,
    ) -> None:
        if (bootstrap_servers is None) == (client is None):
            raise ValueError("KafkaCheck takes exactly one of bootstrap_servers= or client=")
        self._client = getattr(client, "client", client)  # AIOKafkaProducer.client
        if client is not None and not hasattr(self._client, "fetch_all_metadata"):
            raise TypeError(
                f"KafkaCheck: client= got a {type(client).__name__}; expected a started "
                "AIOKafkaClient or AIOKafkaProducer"
            )
        self._topics = tuple(topics)
        self._owned: OwnedClient[Any] | None = None
        if bootstrap_servers is not None:
            aiokafka = require("aiokafka", what="aiokafka (the Kafka client)", extra="kafka")

            async def create() -> Any:
                kafka = aiokafka.AIOKafkaClient(
                    bootstrap_servers=bootstrap_servers,
                    client_id="prodready-health",
                    **client_options,
                )
                try:
                    await kafka.bootstrap()
                except BaseException:
                    await kafka.close()
                    raise
                return kafka

            async def close(kafka: Any) -> None:
                await kafka.close()

            self._owned = OwnedClient(create, close)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> KafkaCheck | None:
        """From ``KAFKA_BOOTSTRAP_SERVERS`` (``host:port[,host:port…]``); ``None`` when unset."""
        for name in cls.env_vars:
            if env.get(name):
                servers = [s.strip() for s in env[name].split(",") if s.strip()]
                return cls(servers)
        return None

    async def __call__(self) -> Details:
        client = self._client if self._owned is None else await self._owned.get()
        metadata = await client.fetch_all_metadata()
        topics = metadata.topics(exclude_internal_topics=True)
        missing = sorted(set(self._topics) - set(topics))
        if missing:
            raise CheckFailed("required Kafka topic(s) missing: " + ", ".join(missing))
        controller = metadata.controller
        return {
            "brokers": len(metadata.brokers()),
            "topics": len(topics),
            "controller_id": controller.nodeId if controller is not None else None,
        }

    async def aclose(self) -> None:
        """Close the client this checker created; an application's client is left alone."""
        if self._owned is not None:
            await self._owned.aclose()
