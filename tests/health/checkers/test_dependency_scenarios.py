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
from dataclasses import dataclass, field
from typing import Any

import pytest

from prodready.health import CheckResult, DependencyCheck, Reason, Status
from prodready.health.checkers import PostgresCheck, RabbitMQCheck, RedisCheck
from prodready.testing import BlackholeServer, free_port

from ._support import sockets_to
from .conftest import RunnerFactory


def _retarget(server: Any, host: str, port: int) -> str:
    """The server's URL (credentials included) pointed at another ``host:port``."""
    url: str = server.url
    return url.replace(f"{server.host}:{server.port}", f"{host}:{port}", 1)


def _wrong_password(server: Any) -> str:
    return str(server.url).replace(server.password, "wrong-" + secrets.token_hex(8), 1)


@dataclass(frozen=True)
class Service:
    name: str
    fixture: str
    build: Callable[[str], DependencyCheck]
    detail_keys: frozenset[str]
    wrong_credentials: Callable[[Any], str] | None = _wrong_password
    secrets: Callable[[Any], list[str]] = field(default=lambda s: [s.password])


SERVICES = [
    Service(
        "postgres",
        "postgres_server",
        PostgresCheck,
        frozenset({"version", "database_size_mb", "connections", "active_queries"}),
    ),
    Service(
        "redis",
        "redis_server",
        RedisCheck,
        frozenset({"version", "role", "uptime_s", "used_memory_mb", "connected_clients"}),
    ),
    Service("rabbitmq", "rabbitmq_server", RabbitMQCheck, frozenset({"version"})),
]
BY_NAME = {s.name: s for s in SERVICES}
WITH_CREDENTIALS = [s.name for s in SERVICES if s.wrong_credentials is not None]


@pytest.fixture(params=[s.name for s in SERVICES])
def service(request: pytest.FixtureRequest) -> tuple[Service, Any]:
    svc = BY_NAME[request.param]
    return svc, request.getfixturevalue(svc.fixture)


@pytest.fixture(params=WITH_CREDENTIALS)
def service_with_credentials(request: pytest.FixtureRequest) -> tuple[Service, Any]:
    svc = BY_NAME[request.param]
    return svc, request.getfixturevalue(svc.fixture)


def _assert_no_secret(texts: list[str], secret_values: list[str]) -> None:
    for text in texts:
        for value in secret_values:
            assert value not in text


def _texts(result: CheckResult) -> list[str]:
    return [repr(result), str(result.error), repr(dict(result.details))]


async def test_success_reports_details(
    service: tuple[Service, Any], make_runner: RunnerFactory
) -> None:
    svc, server = service
    result = await make_runner(svc.build(server.url)).run("dep")
    assert result.status is Status.HEALTHY, result.error
    assert svc.detail_keys <= set(result.details)


async def test_wrong_credentials_are_unhealthy_and_name_no_secret(
    service_with_credentials: tuple[Service, Any],
    make_runner: RunnerFactory,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    svc, server = service_with_credentials
    assert svc.wrong_credentials is not None
    bad_url = svc.wrong_credentials(server)
    result = await make_runner(svc.build(bad_url), timeout=10).run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.reason is Reason.EXCEPTION
    wrong = bad_url.split("wrong-", 1)[1].split("@", 1)[0]
    _assert_no_secret([*_texts(result), debug_logs.text], [*svc.secrets(server), wrong])


async def test_server_not_running_is_unhealthy_at_once(
    service: tuple[Service, Any],
    make_runner: RunnerFactory,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    svc, server = service
    port = free_port()
    result = await make_runner(svc.build(_retarget(server, "127.0.0.1", port)), timeout=10).run(
        "dep"
    )
    assert result.status is Status.UNHEALTHY
    assert result.reason is Reason.EXCEPTION  # refused, not a timeout
    _assert_no_secret([*_texts(result), debug_logs.text], svc.secrets(server))


async def test_stopped_server_fails_and_the_first_check_after_restart_passes(
    service: tuple[Service, Any],
    make_runner: RunnerFactory,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    svc, server = service
    runner = make_runner(svc.build(server.url), timeout=10)
    assert (await runner.run("dep")).status is Status.HEALTHY
    await asyncio.to_thread(server.stop)
    try:
        down = await runner.run("dep")
    finally:
        await asyncio.to_thread(server.start)
    assert down.status is Status.UNHEALTHY
    recovered = await runner.run("dep")
    assert recovered.status is Status.HEALTHY, recovered.error
    _assert_no_secret([*_texts(down), debug_logs.text], svc.secrets(server))


async def test_blackhole_is_unhealthy_by_timeout_and_frees_the_socket(
    service: tuple[Service, Any],
    make_runner: RunnerFactory,
    blackhole: BlackholeServer,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    svc, server = service
    runner = make_runner(svc.build(_retarget(server, blackhole.host, blackhole.port)), timeout=0.5)
    result = await runner.run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.reason is Reason.TIMEOUT
    for _ in range(50):  # the cancelled task closes its socket on its next loop iterations
        if sockets_to(blackhole.port) == 0:
            break
        await asyncio.sleep(0.02)
    assert sockets_to(blackhole.port) == 0
    _assert_no_secret([*_texts(result), debug_logs.text], svc.secrets(server))


async def test_slow_server_is_degraded_by_latency(
    service: tuple[Service, Any], make_runner: RunnerFactory, latency_proxy: Any
) -> None:
    svc, server = service
    proxy = latency_proxy(server.host, server.port, 0.0)
    runner = make_runner(
        svc.build(_retarget(server, proxy.host, proxy.port)), timeout=10, degraded_latency=0.2
    )
    assert (await runner.run("dep")).status is Status.HEALTHY  # connects while the path is fast
    proxy.delay_s = 0.15  # each round trip now takes >= 0.3 s
    result = await runner.run("dep")
    assert result.status is Status.DEGRADED
    assert result.reason is Reason.LATENCY
