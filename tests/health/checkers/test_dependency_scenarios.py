"""The acceptance scenarios, for every networked checker, against real servers from the harness.

Each service runs: success with details, wrong credentials, server not running, stopped then
restarted (the first check after the restart passes: recovery within one interval), blackhole
(UNHEALTHY, reason timeout, socket freed), slow (DEGRADED, reason latency), and no secret from the
URL in any detail, error or log record. Shared session servers are stopped and started in place;
the harness revives any left stopped.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from prodready.health import CheckResult, DependencyCheck, Reason, Status
from prodready.health.checkers import (
    KafkaCheck,
    MongoCheck,
    Neo4jCheck,
    OpenSearchCheck,
    PostgresCheck,
    RabbitMQCheck,
    RedisCheck,
)
from prodready.testing import BlackholeServer, free_port

from ._support import sockets_to_after_settling
from .conftest import RunnerFactory


def _url(server: Any, host: str, port: int, password: str | None) -> str:
    """The server's URL pointed at ``host:port``, with another password when one is given."""
    url: str = server.url.replace(f"{server.host}:{server.port}", f"{host}:{port}", 1)
    return url if password is None else url.replace(server.password, password, 1)


Build = Callable[[Any, str, int, "str | None"], DependencyCheck]


@dataclass(frozen=True)
class Service:
    """How to point a checker at a harness server, or at a blackhole/proxy in front of it.

    ``build(server, host, port, password)``: ``password=None`` means the right one.
    """

    name: str
    fixture: str
    build: Build
    detail_keys: frozenset[str]
    has_credentials: bool = True
    # Kafka clients reconnect to the *advertised* broker address after bootstrapping, bypassing a
    # proxy: only the bootstrap (the first check) can be slowed down.
    slow_after_connect: bool = True


SERVICES = [
    Service(
        "postgres",
        "postgres_server",
        lambda s, h, p, pw: PostgresCheck(_url(s, h, p, pw)),
        frozenset({"version", "database_size_mb", "connections", "active_queries"}),
    ),
    Service(
        "redis",
        "redis_server",
        lambda s, h, p, pw: RedisCheck(_url(s, h, p, pw)),
        frozenset({"version", "role", "uptime_s", "used_memory_mb", "connected_clients"}),
    ),
    Service(
        "rabbitmq",
        "rabbitmq_server",
        lambda s, h, p, pw: RabbitMQCheck(_url(s, h, p, pw)),
        frozenset({"version"}),
    ),
    Service(
        "kafka",
        "kafka_server",
        lambda s, h, p, pw: KafkaCheck(f"{h}:{p}"),
        frozenset({"brokers", "topics", "controller_id"}),
        has_credentials=False,  # the harness broker is PLAINTEXT without SASL
        slow_after_connect=False,
    ),
    Service(
        "neo4j",
        "neo4j_server",
        lambda s, h, p, pw: Neo4jCheck(f"bolt://{h}:{p}", auth=(s.user, pw or s.password)),
        frozenset({"version", "edition"}),
    ),
    # mongo-java-server: MongoDB-wire-compatible, not MongoDB itself (the most faithful server
    # installable from the allowed registries); it has no authentication.
    Service(
        "mongodb (mongo-java-server)",
        "mongodb_server",
        lambda s, h, p, pw: MongoCheck(f"mongodb://{h}:{p}/"),
        frozenset({"version"}),
        has_credentials=False,
    ),
    # OpenSearch 2.x from Maven Central jars, without the security plugin (no authentication).
    Service(
        "opensearch",
        "opensearch_server",
        lambda s, h, p, pw: OpenSearchCheck(f"http://{h}:{p}"),
        frozenset({"status", "number_of_nodes", "active_shards", "unassigned_shards"}),
        has_credentials=False,
    ),
]
BY_NAME = {s.name: s for s in SERVICES}
WITH_CREDENTIALS = [s.name for s in SERVICES if s.has_credentials]


@pytest.fixture(params=[s.name for s in SERVICES])
def service(request: pytest.FixtureRequest) -> tuple[Service, Any]:
    svc = BY_NAME[request.param]
    return svc, request.getfixturevalue(svc.fixture)


@pytest.fixture(params=WITH_CREDENTIALS)
def service_with_credentials(request: pytest.FixtureRequest) -> tuple[Service, Any]:
    svc = BY_NAME[request.param]
    return svc, request.getfixturevalue(svc.fixture)


def _secrets(server: Any) -> list[str]:
    return [server.password] if getattr(server, "password", None) else []


def _assert_no_secret(texts: list[str], secret_values: list[str]) -> None:
    for text in texts:
        for value in secret_values:
            assert value not in text


def _texts(result: CheckResult) -> list[str]:
    return [repr(result), str(result.error), repr(dict(result.details))]


async def test_success_reports_details(
    service: tuple[Service, Any],
    make_runner: RunnerFactory,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    svc, server = service
    check = svc.build(server, server.host, server.port, None)
    result = await make_runner(check, timeout=20).run("dep")
    assert result.status is Status.HEALTHY, result.error
    assert set(result.details) >= svc.detail_keys
    _assert_no_secret([*_texts(result), debug_logs.text], _secrets(server))


async def test_wrong_credentials_are_unhealthy_and_name_no_secret(
    service_with_credentials: tuple[Service, Any],
    make_runner: RunnerFactory,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    svc, server = service_with_credentials
    wrong = "wrong-" + secrets.token_hex(8)
    check = svc.build(server, server.host, server.port, wrong)
    result = await make_runner(check, timeout=10).run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.reason is Reason.EXCEPTION
    _assert_no_secret([*_texts(result), debug_logs.text], [*_secrets(server), wrong])


async def test_server_not_running_is_unhealthy_at_once(
    service: tuple[Service, Any],
    make_runner: RunnerFactory,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    svc, server = service
    check = svc.build(server, "127.0.0.1", free_port(), None)
    result = await make_runner(check, timeout=10).run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.reason is Reason.EXCEPTION  # refused, not a timeout
    _assert_no_secret([*_texts(result), debug_logs.text], _secrets(server))


async def test_stopped_server_fails_and_the_first_check_after_restart_passes(
    service: tuple[Service, Any],
    make_runner: RunnerFactory,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    svc, server = service
    runner = make_runner(svc.build(server, server.host, server.port, None), timeout=30)
    assert (await runner.run("dep")).status is Status.HEALTHY
    await asyncio.to_thread(server.stop)
    try:
        down = await runner.run("dep")
    finally:
        await asyncio.to_thread(server.start)
    assert down.status is Status.UNHEALTHY
    recovered = await runner.run("dep")
    assert recovered.status is Status.HEALTHY, recovered.error
    _assert_no_secret([*_texts(down), debug_logs.text], _secrets(server))


async def test_blackhole_is_unhealthy_by_timeout_and_frees_the_socket(
    service: tuple[Service, Any],
    make_runner: RunnerFactory,
    blackhole: BlackholeServer,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    svc, server = service
    check = svc.build(server, blackhole.host, blackhole.port, None)
    runner = make_runner(check, timeout=0.5)
    result = await runner.run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.reason is Reason.TIMEOUT
    assert await sockets_to_after_settling(blackhole.port) == 0
    _assert_no_secret([*_texts(result), debug_logs.text], _secrets(server))


async def test_slow_server_is_degraded_by_latency(
    service: tuple[Service, Any], make_runner: RunnerFactory, latency_proxy: Any
) -> None:
    svc, server = service
    proxy = latency_proxy(server.host, server.port, 0.0)
    check = svc.build(server, proxy.host, proxy.port, None)
    # Generous margins: a loaded CI machine must not make the fast path look slow.
    runner = make_runner(check, timeout=20, degraded_latency=1.0)
    if svc.slow_after_connect:  # connect while the path is fast, then slow it down
        assert (await runner.run("dep")).status.is_available
    proxy.delay_s = 0.6  # each round trip now takes >= 1.2 s
    result = await runner.run("dep")
    assert result.status is Status.DEGRADED
    assert result.reason is Reason.LATENCY
