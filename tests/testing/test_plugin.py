"""The pytest plugin, exercised in a separate pytest run so that its session end can be observed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from prodready.testing._ports import is_bound

DRIVERS = ("asyncpg", "psycopg", "redis", "aiokafka", "aio_pika", "pymongo", "neo4j", "httpx")


def _run_pytest(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(source))
    env = {**os.environ, "PRODREADY_TEST_OUT": str(tmp_path / "out.json")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_inner.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_loading_the_plugin_imports_no_driver_and_starts_no_process() -> None:
    code = textwrap.dedent(
        f"""
        import os, sys, pathlib
        import prodready.testing, prodready.testing.pytest_plugin
        children = [
            p.name for p in pathlib.Path("/proc").iterdir() if p.name.isdigit()
            and (p / "stat").exists()
            and (p / "stat").read_text().rsplit(")", 1)[1].split()[1] == str(os.getpid())
        ]
        print(sorted(d for d in {DRIVERS!r} if d in sys.modules), children)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[] []"


def test_plugin_restarts_stopped_shared_servers_and_leaves_nothing_at_session_end(
    tmp_path: Path,
) -> None:
    proc = _run_pytest(
        tmp_path,
        """
        import json, os, pathlib

        def test_stops_the_shared_server(redis_server):
            redis_server.stop()

        def test_finds_it_running_again(redis_server, postgres_server):
            assert redis_server.is_running
            servers = (redis_server, postgres_server)
            pathlib.Path(os.environ["PRODREADY_TEST_OUT"]).write_text(json.dumps({
                "pids": [pid for s in servers for pid in s.pids],
                "ports": [port for s in servers for port in s.ports],
                "roots": [str(s.root) for s in servers],
            }))
        """,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    seen = json.loads((tmp_path / "out.json").read_text())
    assert len(seen["pids"]) == 2
    assert [pid for pid in seen["pids"] if Path(f"/proc/{pid}").exists()] == []
    assert [port for port in seen["ports"] if is_bound("127.0.0.1", port)] == []
    assert [root for root in seen["roots"] if Path(root).exists()] == []


def test_session_end_check_fails_the_run_when_a_port_stays_bound(tmp_path: Path) -> None:
    proc = _run_pytest(
        tmp_path,
        """
        import socket
        from prodready.testing import BlackholeServer
        from prodready.testing.pytest_plugin import server_pool

        HELD = []

        def test_leaves_a_port_bound(request):
            server = BlackholeServer()
            HELD.append(socket.create_server((server.host, server.port)))
            server_pool(request.config).adopt(server)
        """,
    )
    assert proc.returncode == 1
    assert "servers left behind" in proc.stdout
    assert "still bound" in proc.stdout
