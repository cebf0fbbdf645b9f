"""What every server promises: clean stop, clear start errors, context manager, private data."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from prodready.errors import ExternalToolError
from prodready.testing import PostgresServer, RedisServer


def test_close_leaves_no_process_no_bound_port_and_no_directory() -> None:
    server = RedisServer().start()
    root = server.root
    assert server.pids
    server.close()
    assert not server.is_running
    assert server.leftovers() == []
    assert not root.exists()


def test_context_manager_starts_and_closes_the_server() -> None:
    with PostgresServer() as server:
        assert server.is_running
        root = server.root
    assert not server.is_running
    assert server.leftovers() == []
    assert not root.exists()


def test_server_that_exits_at_start_raises_with_its_log_and_a_fix() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        server = RedisServer(port=taken.getsockname()[1])
        with pytest.raises(ExternalToolError) as raised:
            server.start()
    assert "exited with code" in str(raised.value)
    assert "Address already in use" in str(raised.value)
    assert "scripts/install-test-deps" in str(raised.value)
    assert server.leftovers() == []
    server.close()


def test_missing_server_binaries_raise_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PRODREADY_PG_BINDIR", str(tmp_path))
    server = PostgresServer()
    with pytest.raises(ExternalToolError, match="install-test-deps"):
        server.start()
    server.close()


def test_missing_java_server_jars_raise_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from prodready.testing import MongoServer

    monkeypatch.setenv("PRODREADY_SERVER_CACHE", str(tmp_path))
    server = MongoServer()
    with pytest.raises(ExternalToolError, match="install-test-deps"):
        server.start()
    server.close()


def test_each_server_gets_its_own_port_password_and_directory() -> None:
    first, second = PostgresServer(), PostgresServer()
    try:
        assert first.port != second.port
        assert first.password != second.password
        assert first.root != second.root
    finally:
        first.close()
        second.close()


def test_failed_preparation_leaves_no_directory_and_can_be_retried(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PRODREADY_PG_BINDIR", str(tmp_path))
    server = PostgresServer()
    with pytest.raises(ExternalToolError):
        server.start()
    assert server._root is None
    monkeypatch.delenv("PRODREADY_PG_BINDIR")
    try:
        assert server.start().is_running
    finally:
        server.close()
