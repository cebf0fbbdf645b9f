"""A private MongoDB-wire-compatible server: mongo-java-server, run by a tiny Java launcher.

No registry this project may use ships a real MongoDB server (the Go module proxy does not serve
FerretDB either), so this is mongo-java-server from Maven Central: it speaks the MongoDB wire
protocol and implements the common CRUD, index and aggregation commands, but it is not MongoDB.
"""

from __future__ import annotations

from typing import ClassVar

from prodready.testing._base import ManagedServer
from prodready.testing._java import classpath, java, jvm_options

__all__ = ["MongoServer"]


class MongoServer(ManagedServer):
    """mongo-java-server (MongoDB-wire-compatible, not MongoDB) with an H2 file backend.

    No auth: ``url`` is ``mongodb://127.0.0.1:<port>/``. Data survives ``restart()``.
    Heap capped at 256 MB.
    """

    name: ClassVar[str] = "mongodb"
    ready_marker: ClassVar[str | None] = "prodready: mongo ready"
    ready_timeout: ClassVar[float] = 120.0  # a JVM, like Kafka and Neo4j: slow on a loaded machine

    @property
    def url(self) -> str:
        """``mongodb://127.0.0.1:<port>/``."""
        return f"mongodb://{self.host}:{self.port}/"

    def _launch(self) -> None:
        self._spawn(
            [
                java(),
                *jvm_options("256m"),
                "-cp",
                classpath("mongo", launcher=True),
                "MongoLauncher",
                str(self.root / "data.mv"),
                self.host,
                str(self.port),
            ]
        )
