"""A private Apache Kafka broker in KRaft mode (one node, broker and controller), run by java."""

from __future__ import annotations

import base64
import uuid
from typing import ClassVar

from prodready.testing._base import ManagedServer
from prodready.testing._java import classpath, java, jvm_options
from prodready.testing._ports import free_port

__all__ = ["KafkaServer"]

_LOG4J2 = """\
status = warn
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
logger.kafka.name = kafka
logger.kafka.level = info
logger.state.name = state.change.logger
logger.state.level = warn
"""


class KafkaServer(ManagedServer):
    """Kafka 4.x (jars from Maven Central), one node acting as broker and KRaft controller.

    Plain-text listener without auth; internal topics have one partition and one replica so the
    first consumer group is ready in seconds. Topics are auto-created. Heap capped at 512 MB.
    """

    name: ClassVar[str] = "kafka"
    ready_marker: ClassVar[str | None] = "Kafka Server started"
    ready_timeout: ClassVar[float] = 120.0

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        ready_timeout: float | None = None,
    ) -> None:
        super().__init__(host=host, port=port, ready_timeout=ready_timeout)
        self.controller_port = free_port(host)
        self.cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")

    @property
    def bootstrap_servers(self) -> str:
        """``127.0.0.1:<port>``: what Kafka clients take."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """``kafka://127.0.0.1:<port>`` (clients want :attr:`bootstrap_servers`)."""
        return f"kafka://{self.host}:{self.port}"

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port, self.controller_port)

    def _command(self, main: str, *args: str) -> list[str]:
        return [
            java(),
            *jvm_options("512m"),
            f"-Dlog4j2.configurationFile={self.root / 'log4j2.properties'}",
            f"-Dkafka.logs.dir={self.root / 'logs'}",
            "-cp",
            classpath("kafka"),
            main,
            *args,
        ]

    def _prepare(self) -> None:
        root = self.root
        (root / "log4j2.properties").write_text(_LOG4J2)
        single = "1"
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{self.host}:{self.controller_port}",
            "controller.listener.names": "CONTROLLER",
            "listeners": (
                f"PLAINTEXT://{self.host}:{self.port},CONTROLLER://{self.host}:{self.controller_port}"
            ),
            "advertised.listeners": f"PLAINTEXT://{self.host}:{self.port}",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(root / "data"),
            "num.partitions": single,
            "auto.create.topics.enable": "true",
            "offsets.topic.replication.factor": single,
            "offsets.topic.num.partitions": single,
            "transaction.state.log.replication.factor": single,
            "transaction.state.log.min.isr": single,
            "transaction.state.log.num.partitions": single,
            "share.coordinator.state.topic.replication.factor": single,
            "share.coordinator.state.topic.min.isr": single,
            "share.coordinator.state.topic.num.partitions": single,
            "group.initial.rebalance.delay.ms": "0",
            "num.network.threads": "2",
            "num.io.threads": "2",
            "background.threads": "2",
            "log.cleaner.enable": "false",
        }
        (root / "server.properties").write_text(
            "".join(f"{key}={value}\n" for key, value in settings.items())
        )
        self._run_tool(
            self._command(
                "kafka.tools.StorageTool",
                "format",
                "--cluster-id",
                self.cluster_id,
                "--config",
                str(root / "server.properties"),
                "--ignore-formatted",
            ),
            timeout=180.0,
        )

    def _launch(self) -> None:
        self._spawn(self._command("kafka.Kafka", str(self.root / "server.properties")))
