"""pytest plugin (entry point ``pytest11``): real-server fixtures from :mod:`prodready.testing`.

Loading this plugin imports no driver and starts nothing: servers start only when a test asks for
their fixture.

Session fixtures (one shared server per run, started on first use): ``postgres_server``,
``redis_server``, ``rabbitmq_server``, ``kafka_server``, ``neo4j_server``, ``mongodb_server``,
``opensearch_server``. A test may ``stop()`` a shared server to observe a failure: after each test
the plugin starts again any shared server it finds stopped, on the same port with the same data.

Function fixtures: ``blackhole`` (a :class:`~prodready.testing.BlackholeServer`), ``latency_proxy``
(a factory ``latency_proxy(host, port, delay_s)``) and ``server_factory`` (a private instance for a
destructive test: ``server_factory(PostgresServer)``), each closed when the test ends.

At session end every server is closed and the plugin checks that no process it started survives
and no port it used stays bound; if one does, it reports it and the run fails.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import pytest

if TYPE_CHECKING:
    from prodready.testing import (
        BlackholeServer,
        KafkaServer,
        LatencyProxy,
        MongoServer,
        Neo4jServer,
        OpenSearchServer,
        PostgresServer,
        RabbitMQServer,
        RedisServer,
    )
    from prodready.testing._base import ManagedServer

S = TypeVar("S", bound="ManagedServer")


class ServerFactory(Protocol):
    """The ``server_factory`` fixture: ``server_factory(PostgresServer, **kwargs)`` -> started."""

    def __call__(self, cls: type[S], /, **kwargs: Any) -> S: ...


class LatencyProxyFactory(Protocol):
    """The ``latency_proxy`` fixture: ``latency_proxy(host, port, delay_s)`` -> started proxy."""

    def __call__(
        self, target_host: str, target_port: int, delay_s: float = 0.0
    ) -> LatencyProxy: ...


class _Leftovers(Protocol):
    def leftovers(self) -> list[str]: ...


class ServerPool:
    """The session's shared servers, one per class, started on first request."""

    def __init__(self) -> None:
        self._servers: dict[type[ManagedServer], ManagedServer] = {}
        self._closed: list[ManagedServer | _Leftovers] = []
        self._lock = threading.Lock()

    def get(self, cls: type[S]) -> S:
        """The shared instance of ``cls``, started (and started again if a test stopped it)."""
        with self._lock:
            server = self._servers.get(cls)
            if server is None:
                server = cls()
                self._servers[cls] = server
        server.start()
        return server  # type: ignore[return-value]  # keyed by its own class

    def revive(self) -> None:
        """Start again every shared server a test left stopped."""
        for server in list(self._servers.values()):
            if not server.is_running:
                server.start()

    def adopt(self, server: ManagedServer | _Leftovers) -> None:
        """Include a private server in the session-end leftover check."""
        self._closed.append(server)

    def close(self) -> list[str]:
        """Close every server; return what survived (processes, bound ports)."""
        errors: list[str] = []
        for server in list(self._servers.values()):
            try:
                server.close()
            except Exception as e:  # report every server, not only the first failure
                errors.append(f"{server.name}: {e}")
            self._closed.append(server)
        self._servers.clear()
        for closed in self._closed:
            errors += closed.leftovers()
        return errors


_POOL = pytest.StashKey[ServerPool]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_POOL] = ServerPool()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    pool = session.config.stash.get(_POOL, None)
    if pool is None:
        return
    leftovers = pool.close()
    if leftovers:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        text = "prodready.testing: servers left behind:\n  " + "\n  ".join(leftovers)
        if reporter is not None:
            reporter.write_line(text, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    yield
    pool = item.config.stash.get(_POOL, None)
    if pool is not None:
        pool.revive()


def server_pool(config: pytest.Config) -> ServerPool:
    """The session's :class:`ServerPool`; ``adopt()`` your servers into the session-end check."""
    return config.stash[_POOL]


_pool = server_pool


@pytest.fixture(scope="session")
def postgres_server(pytestconfig: pytest.Config) -> PostgresServer:
    """A shared PostgreSQL server (:class:`~prodready.testing.PostgresServer`)."""
    from prodready.testing import PostgresServer

    return _pool(pytestconfig).get(PostgresServer)


@pytest.fixture(scope="session")
def redis_server(pytestconfig: pytest.Config) -> RedisServer:
    """A shared Redis server with a password (:class:`~prodready.testing.RedisServer`)."""
    from prodready.testing import RedisServer

    return _pool(pytestconfig).get(RedisServer)


@pytest.fixture(scope="session")
def rabbitmq_server(pytestconfig: pytest.Config) -> RabbitMQServer:
    """A shared RabbitMQ node (:class:`~prodready.testing.RabbitMQServer`)."""
    from prodready.testing import RabbitMQServer

    return _pool(pytestconfig).get(RabbitMQServer)


@pytest.fixture(scope="session")
def kafka_server(pytestconfig: pytest.Config) -> KafkaServer:
    """A shared Kafka broker in KRaft mode (:class:`~prodready.testing.KafkaServer`)."""
    from prodready.testing import KafkaServer

    return _pool(pytestconfig).get(KafkaServer)


@pytest.fixture(scope="session")
def neo4j_server(pytestconfig: pytest.Config) -> Neo4jServer:
    """A shared Neo4j Community server, Bolt only (:class:`~prodready.testing.Neo4jServer`)."""
    from prodready.testing import Neo4jServer

    return _pool(pytestconfig).get(Neo4jServer)


@pytest.fixture(scope="session")
def mongodb_server(pytestconfig: pytest.Config) -> MongoServer:
    """A shared mongo-java-server: a MongoDB-wire-compatible server, not MongoDB itself.

    See :class:`~prodready.testing.MongoServer` for what that means for your tests.
    """
    from prodready.testing import MongoServer

    return _pool(pytestconfig).get(MongoServer)


@pytest.fixture(scope="session")
def opensearch_server(pytestconfig: pytest.Config) -> OpenSearchServer:
    """A shared single-node OpenSearch (:class:`~prodready.testing.OpenSearchServer`)."""
    from prodready.testing import OpenSearchServer

    return _pool(pytestconfig).get(OpenSearchServer)


@pytest.fixture
def blackhole(pytestconfig: pytest.Config) -> Iterator[BlackholeServer]:
    """A TCP server that accepts connections and never answers, closed after the test."""
    from prodready.testing import BlackholeServer

    with BlackholeServer() as server:
        yield server
    _pool(pytestconfig).adopt(server)


@pytest.fixture
def latency_proxy(pytestconfig: pytest.Config) -> Iterator[LatencyProxyFactory]:
    """Factory: ``latency_proxy(host, port, delay_s)`` starts a proxy closed after the test."""
    from prodready.testing import LatencyProxy

    started: list[LatencyProxy] = []

    def make(target_host: str, target_port: int, delay_s: float = 0.0) -> LatencyProxy:
        proxy = LatencyProxy(target_host, target_port, delay_s)
        started.append(proxy)
        return proxy.start()

    yield make
    for proxy in started:
        proxy.close()
        _pool(pytestconfig).adopt(proxy)


@pytest.fixture
def server_factory(pytestconfig: pytest.Config) -> Iterator[ServerFactory]:
    """Start a private server for one test: ``server_factory(PostgresServer, **kwargs)``.

    Use it for destructive tests; the server is closed (stopped, data deleted) when the test ends.
    """
    started: list[ManagedServer] = []

    def make(cls: type[S], /, **kwargs: Any) -> S:
        server = cls(**kwargs)
        started.append(server)
        return server.start()

    yield make
    pool = _pool(pytestconfig)
    for server in reversed(started):
        server.close()
        pool.adopt(server)
