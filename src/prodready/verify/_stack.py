"""The backing services of a spec, run as private local processes with the harness's servers.

Each declared service becomes a real server on a free loopback port (PostgreSQL, Redis, RabbitMQ
from Debian's packages; Kafka, Neo4j from Maven Central jars; FerretDB for MongoDB; OpenSearch),
and the app receives exactly the env the deployment gives it — the catalogue's names and URL shapes
— with each hostname mapped to its local port and each secret reference to the local password.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodready.catalog import Catalog, Connection, default_catalog, substitute
from prodready.errors import ExternalToolError, SpecError
from prodready.spec import ServiceSpec

if TYPE_CHECKING:
    from prodready.testing import ManagedServer

__all__ = ["LocalService", "LocalStack"]

Progress = Callable[[str], None]
# The spec names extensions as users know them; CREATE EXTENSION wants the SQL name.
_SQL_EXTENSION = {"pgvector": "vector"}
_USERINFO = re.compile(r"//[^/@\s]*@")


def _server_for(kind: str, database: str, extensions: tuple[str, ...]) -> ManagedServer:
    """A harness server for ``kind``; imported lazily so the CLI starts fast."""
    from prodready import testing

    if kind == "postgres":
        return testing.PostgresServer(
            database=database, extensions=tuple(_SQL_EXTENSION.get(e, e) for e in extensions)
        )
    factories: dict[str, Callable[[], ManagedServer]] = {
        "redis": testing.RedisServer,
        "rabbitmq": testing.RabbitMQServer,
        "kafka": testing.KafkaServer,
        "neo4j": testing.Neo4jServer,
        "mongodb": testing.MongoServer,
        "opensearch": testing.OpenSearchServer,
        "elasticsearch": testing.OpenSearchServer,
    }
    factory = factories.get(kind)
    if factory is None:
        raise SpecError(
            f"prodready cannot run a {kind!r} service locally",
            location="tool.prodready.services",
            expected=f"one of: postgres, {', '.join(sorted(factories))}",
            hint="run this stack with the generated compose file on a machine with Docker",
        )
    return factory()


@dataclass
class LocalService:
    """One running backing service: its spec name, kind and harness server."""

    name: str
    kind: str
    server: ManagedServer

    @property
    def address(self) -> str:
        return f"{self.server.host}:{self.server.port}"


class LocalStack:
    """Start every backing service of ``spec`` in parallel; ``stop()`` ends them all.

    ``env()`` is the app's environment for its dependencies: the catalogue's ``app_env`` for a
    connection to the local server, with ``${SECRET}`` references resolved to the local password
    (or, for the spec's own secrets, a random value generated once per stack).
    """

    def __init__(
        self,
        spec: ServiceSpec,
        *,
        catalog: Catalog | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.spec = spec
        self.catalog = catalog if catalog is not None else default_catalog()
        self._progress = progress or (lambda _message: None)
        self.services: dict[str, LocalService] = {}
        self._generated: dict[str, str] = {}

    def start(self) -> None:
        """Start every service (in parallel); on any failure stop those already started."""
        for name, service in sorted(self.spec.services.items()):
            server = _server_for(service.kind, self.spec.database_name(name), service.extensions)
            self.services[name] = LocalService(name, service.kind, server)
        try:
            with ThreadPoolExecutor(max_workers=max(1, len(self.services))) as pool:
                futures = {
                    name: pool.submit(self._start_one, svc) for name, svc in self.services.items()
                }
                for future in futures.values():
                    future.result()
        except BaseException:
            self.stop()
            raise

    def _start_one(self, service: LocalService) -> None:
        self._progress(f"starting {service.name} ({service.kind})")
        try:
            service.server.start()
        except ExternalToolError as exc:
            raise ExternalToolError(
                f"backing service {service.name!r} ({service.kind}) did not start: {exc.message}",
                hint=exc.hint,
            ) from exc
        self._progress(f"{service.name} ({service.kind}) ready on {service.address}")

    def stop(self) -> None:
        """Stop and delete every service's private server; safe to call twice."""
        for service in self.services.values():
            with contextlib.suppress(Exception):
                service.server.close()

    def _secret(self, name: str, service: LocalService | None) -> str:
        if service is not None:
            password = getattr(service.server, "password", None)
            if isinstance(password, str):
                return password
        return self._generated.setdefault(name, secrets.token_urlsafe(18))

    def _resolver(self, service: LocalService) -> Callable[[str], str]:
        return lambda ref: self._secret(ref, service)

    def env(self) -> dict[str, str]:
        """The app's env for its dependencies, pointing at the local servers."""
        env: dict[str, str] = {}
        for name, service in sorted(self.services.items()):
            entry = self.catalog.get(service.kind)
            server = service.server
            conn = Connection(
                host=server.host,
                port=server.port,
                user=str(getattr(server, "user", entry.default_user)),
                database=str(getattr(server, "database", self.spec.database_name(name))),
            )
            values = dict(entry.app_env(conn))
            for secret in entry.app_secrets:
                values[secret] = f"${{{secret}}}"
            for key, value in values.items():
                resolved = substitute(value, self._resolver(service))
                if getattr(server, "password", None) is None:
                    # The local stand-in runs without authentication (e.g. the MongoDB-wire
                    # server): credentials in the URL would make the driver attempt a login the
                    # server cannot answer.
                    resolved = _USERINFO.sub("//", resolved)
                env[key] = resolved
        for key in self.spec.secrets:
            env.setdefault(key, self._secret(key, None))
        return env
