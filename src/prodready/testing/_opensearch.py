"""A private single-node OpenSearch, run from Maven Central jars by a tiny Java launcher."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import ClassVar

from prodready.testing._base import ManagedServer
from prodready.testing._java import classpath, java, jvm_options
from prodready.testing._ports import free_port

__all__ = ["OpenSearchServer"]

_LOG4J2 = """\
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %c{1.} %m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
"""


class OpenSearchServer(ManagedServer):
    """OpenSearch 2.x, one node, HTTP on ``url`` without auth (no security plugin).

    Real OpenSearch core with its Netty4 transport, started the way OpenSearch's own integration
    tests start nodes: without the distribution's bootstrap checks, security manager and bundled
    plugins (no painless scripting, no ingest-common). Heap capped at 512 MB.
    """

    name: ClassVar[str] = "opensearch"
    ready_marker: ClassVar[str | None] = "prodready: opensearch ready"
    ready_timeout: ClassVar[float] = 120.0

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        ready_timeout: float | None = None,
    ) -> None:
        super().__init__(host=host, port=port, ready_timeout=ready_timeout)
        self.transport_port = free_port(host)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self.host}:{self.port}"

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port, self.transport_port)

    def _prepare(self) -> None:
        (self.root / "home").mkdir()
        (self.root / "log4j2.properties").write_text(_LOG4J2)

    def _launch(self) -> None:
        self._spawn(
            [
                java(),
                *jvm_options("512m"),
                f"-Dlog4j2.configurationFile={self.root / 'log4j2.properties'}",
                "-cp",
                classpath("opensearch", launcher=True),
                "OpenSearchLauncher",
                str(self.root / "home"),
                self.host,
                str(self.port),
                str(self.transport_port),
            ]
        )

    def _is_ready(self) -> bool:
        if not super()._is_ready():
            return False
        try:
            with urllib.request.urlopen(f"{self.url}/_cluster/health", timeout=2) as response:  # noqa: S310  # our own loopback URL
                health = json.load(response)
        except (OSError, urllib.error.URLError, ValueError):
            return False
        return health.get("status") in {"green", "yellow"}
