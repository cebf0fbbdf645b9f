"""TCP, HTTP, disk and memory checkers, against real sockets, a real HTTP server and /proc."""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from prodready.health import Degraded, Reason, Status
from prodready.health.checkers import CheckFailed, DiskCheck, HttpCheck, MemoryCheck, TcpCheck
from prodready.health.checkers._memory import cgroup_memory_limit, rss_bytes
from prodready.testing import BlackholeServer, free_port

from ._support import sockets_to, sockets_to_after_settling
from .conftest import RunnerFactory

USER, PASSWORD = "probe", "s3cret-http-pw"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/fail":
            self.send_response(503)
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "http://elsewhere.invalid/ok")
        elif self.path == "/private":
            self.send_response(200 if self.headers.get("Authorization") == expected else 401)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]


@pytest.fixture
def http_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def _base(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


async def test_tcp_accepting_port_is_healthy_and_no_socket_stays_open(
    redis_server: Any, make_runner: RunnerFactory
) -> None:
    before = sockets_to(redis_server.port)
    result = await make_runner(TcpCheck(redis_server.host, redis_server.port)).run("dep")
    assert result.status is Status.HEALTHY
    assert sockets_to(redis_server.port) == before


async def test_tcp_refused_port_is_unhealthy(make_runner: RunnerFactory) -> None:
    result = await make_runner(TcpCheck("127.0.0.1", free_port())).run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.reason is Reason.EXCEPTION


async def test_tcp_only_proves_reachability_a_blackhole_passes(
    blackhole: BlackholeServer, make_runner: RunnerFactory
) -> None:
    result = await make_runner(TcpCheck(blackhole.host, blackhole.port)).run("dep")
    assert result.status is Status.HEALTHY


async def test_http_expected_status_is_healthy(
    http_server: ThreadingHTTPServer, make_runner: RunnerFactory
) -> None:
    result = await make_runner(HttpCheck(_base(http_server) + "/ok")).run("dep")
    assert result.status is Status.HEALTHY
    assert result.details == {"status_code": 200}


async def test_http_unexpected_status_is_unhealthy(
    http_server: ThreadingHTTPServer, make_runner: RunnerFactory
) -> None:
    result = await make_runner(HttpCheck(_base(http_server) + "/fail")).run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.error is not None
    assert "503" in result.error


async def test_http_redirect_is_not_followed_to_another_host(
    http_server: ThreadingHTTPServer, make_runner: RunnerFactory
) -> None:
    result = await make_runner(HttpCheck(_base(http_server) + "/moved")).run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.error is not None
    assert "redirect (not followed)" in result.error
    assert http_server.requests == ["/moved"]  # type: ignore[attr-defined]


async def test_http_expected_redirect_status_passes(
    http_server: ThreadingHTTPServer, make_runner: RunnerFactory
) -> None:
    check = HttpCheck(_base(http_server) + "/moved", expected_status=302)
    assert (await make_runner(check).run("dep")).status is Status.HEALTHY


async def test_http_url_credentials_are_sent_as_basic_auth_and_never_logged(
    http_server: ThreadingHTTPServer,
    make_runner: RunnerFactory,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    port = http_server.server_address[1]
    ok = await make_runner(HttpCheck(f"http://{USER}:{PASSWORD}@127.0.0.1:{port}/private")).run(
        "dep"
    )
    refused = await make_runner(
        HttpCheck(f"http://{USER}:wrong-pw-777@127.0.0.1:{port}/private")
    ).run("dep")
    assert ok.status is Status.HEALTHY
    assert refused.status is Status.UNHEALTHY
    for text in (repr(ok), repr(refused), debug_logs.text):
        assert PASSWORD not in text
        assert "wrong-pw-777" not in text


async def test_http_blackhole_times_out_and_frees_the_socket(
    blackhole: BlackholeServer, make_runner: RunnerFactory
) -> None:
    check = HttpCheck(f"http://{blackhole.host}:{blackhole.port}/health")
    result = await make_runner(check, timeout=0.5).run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.reason is Reason.TIMEOUT
    assert await sockets_to_after_settling(blackhole.port) == 0


async def test_disk_reports_free_space(tmp_path: Path) -> None:
    details = await DiskCheck(tmp_path, degraded_below=0.0, unhealthy_below=0.0)()
    assert isinstance(details, dict)
    assert details["free_mb"] <= details["total_mb"]
    assert 0 <= details["free_percent"] <= 100


async def test_disk_below_the_degraded_threshold_is_degraded(tmp_path: Path) -> None:
    result = await DiskCheck(tmp_path, degraded_below=0.99999, unhealthy_below=0.0)()
    assert isinstance(result, Degraded)
    assert "free" in result.message


async def test_disk_below_min_free_mb_fails(tmp_path: Path) -> None:
    with pytest.raises(CheckFailed, match="disk almost full"):
        await DiskCheck(tmp_path, degraded_below=0.0, unhealthy_below=0.0, min_free_mb=1e12)()


def test_disk_thresholds_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="unhealthy_below <= degraded_below"):
        DiskCheck("/", degraded_below=0.05, unhealthy_below=0.10)


async def test_memory_well_under_the_limit_is_healthy() -> None:
    details = await MemoryCheck(limit_bytes=rss_bytes() * 100)()
    assert isinstance(details, dict)
    assert details["limit_source"] == "configured"
    assert details["used_percent"] < 5


async def test_memory_near_the_limit_is_degraded() -> None:
    result = await MemoryCheck(limit_bytes=int(rss_bytes() * 1.15))()
    assert isinstance(result, Degraded)


async def test_memory_over_the_limit_fails() -> None:
    with pytest.raises(CheckFailed, match="memory nearly exhausted"):
        await MemoryCheck(limit_bytes=rss_bytes() // 2)()


async def test_memory_without_a_configured_limit_uses_the_cgroup_or_physical_memory() -> None:
    details = await MemoryCheck()()
    assert isinstance(details, dict)
    assert details["limit_source"] in ("cgroup", "physical")
    assert details["rss_mb"] > 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [("max\n", None), ("536870912\n", 536870912), ("9223372036854771712\n", None)],
)
def test_cgroup_limit_files_are_read_as_v2_or_v1(
    tmp_path: Path, content: str, expected: int | None
) -> None:
    path = tmp_path / "memory.max"
    path.write_text(content)
    assert cgroup_memory_limit((tmp_path / "missing", path)) == expected


def test_rss_is_read_from_proc() -> None:
    assert rss_bytes(str(os.getpid())) > 1_000_000
