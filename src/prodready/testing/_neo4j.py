"""A private Neo4j Community server (embedded, Bolt on loopback), run by a tiny Java launcher."""

from __future__ import annotations

import os
import secrets
from typing import ClassVar

from prodready.testing._base import ManagedServer
from prodready.testing._java import classpath, java, jvm_options

__all__ = ["Neo4jServer"]


class Neo4jServer(ManagedServer):
    """Neo4j 5 Community from Maven Central, Bolt only (no HTTP), auth on.

    Connect with ``neo4j.GraphDatabase.driver(server.url, auth=(server.user, server.password))``.
    Heap capped at 512 MB, page cache 32 MB.
    """

    name: ClassVar[str] = "neo4j"
    ready_marker: ClassVar[str | None] = "prodready: neo4j ready"
    ready_timeout: ClassVar[float] = 120.0

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        ready_timeout: float | None = None,
    ) -> None:
        super().__init__(host=host, port=port, ready_timeout=ready_timeout)
        self.user = "neo4j"
        self.password = secrets.token_urlsafe(18)

    @property
    def url(self) -> str:
        """``bolt://127.0.0.1:<port>`` (credentials are :attr:`user` and :attr:`password`)."""
        return f"bolt://{self.host}:{self.port}"

    def _launch(self) -> None:
        home = self.root / "home"
        home.mkdir(exist_ok=True)
        env = {**os.environ, "PRODREADY_NEO4J_PASSWORD": self.password}
        self._spawn(
            [
                java(),
                *jvm_options("512m"),
                "-cp",
                classpath("neo4j", launcher=True),
                "Neo4jLauncher",
                str(home),
                self.host,
                str(self.port),
            ],
            env=env,
        )
