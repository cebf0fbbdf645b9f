from __future__ import annotations

import socket
import time

import pytest

from prodready.errors import ExternalToolError
from prodready.testing import BlackholeServer, LatencyProxy, free_port
from prodready.testing.pytest_plugin import LatencyProxyFactory


def _echo_server() -> socket.socket:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    return listener


def test_blackhole_accepts_a_connection_and_never_answers(blackhole: BlackholeServer) -> None:
    with socket.create_connection((blackhole.host, blackhole.port), timeout=5) as sock:
        sock.sendall(b"PING\r\n")
        sock.settimeout(0.5)
        with pytest.raises(TimeoutError):
            sock.recv(1)


def test_blackhole_stop_refuses_new_connections_and_frees_the_port() -> None:
    server = BlackholeServer().start()
    server.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((server.host, server.port), timeout=5)
    assert server.leftovers() == []


def test_blackhole_on_a_taken_port_raises_an_external_tool_error() -> None:
    with BlackholeServer() as first, pytest.raises(ExternalToolError, match="cannot listen"):
        BlackholeServer(port=first.port).start()


def test_latency_proxy_forwards_both_ways_with_added_delay(
    latency_proxy: LatencyProxyFactory,
) -> None:
    with _echo_server() as listener:
        proxy = latency_proxy("127.0.0.1", listener.getsockname()[1], 0.3)
        started = time.monotonic()
        with socket.create_connection((proxy.host, proxy.port), timeout=10) as client:
            client.sendall(b"ping")
            upstream, _ = listener.accept()
            with upstream:
                upstream.settimeout(10)
                assert upstream.recv(4) == b"ping"
                upstream.sendall(b"pong")
                assert client.recv(4) == b"pong"
        # 0.3 s each way; the lower bound is what matters, the machine may add more.
        assert time.monotonic() - started >= 0.6


def test_paused_latency_proxy_holds_traffic_until_resumed(
    latency_proxy: LatencyProxyFactory,
) -> None:
    with _echo_server() as listener:
        proxy = latency_proxy("127.0.0.1", listener.getsockname()[1], 0.0)
        proxy.pause()
        with socket.create_connection((proxy.host, proxy.port), timeout=10) as client:
            upstream, _ = listener.accept()
            with upstream:
                client.sendall(b"held")
                upstream.settimeout(0.5)
                with pytest.raises(TimeoutError):
                    upstream.recv(4)
                proxy.resume()
                upstream.settimeout(10)
                assert upstream.recv(4) == b"held"


def test_latency_proxy_to_a_closed_port_closes_the_client_connection() -> None:
    with (
        LatencyProxy("127.0.0.1", free_port(), 0.0) as proxy,
        socket.create_connection((proxy.host, proxy.port), timeout=10) as client,
    ):
        client.settimeout(10)
        assert client.recv(1) == b""


def test_latency_proxy_rejects_a_negative_delay() -> None:
    with pytest.raises(ValueError, match="delay_s"):
        LatencyProxy("127.0.0.1", 1, -1.0)


def test_blackhole_stop_with_open_connections_logs_no_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = BlackholeServer().start()
    clients = [socket.create_connection((server.host, server.port), timeout=5) for _ in range(3)]
    for client in clients:
        client.sendall(b"x")
    time.sleep(0.2)  # let the server accept and start reading
    with caplog.at_level("ERROR", logger="asyncio"):
        server.stop()
    for client in clients:
        client.close()
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []
