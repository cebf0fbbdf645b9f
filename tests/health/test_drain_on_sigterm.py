"""Draining on SIGTERM, against a real uvicorn server in its own process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from prodready.testing import free_port

pytestmark = pytest.mark.slow

DRAIN_DELAY_S = 3.0
APP = textwrap.dedent(
    f"""
    from prodready.health import HealthApp, HealthRegistry, HealthRunner

    registry = HealthRegistry()

    async def ok():
        return None

    registry.add("db", ok, interval=0.2)
    app = HealthApp(HealthRunner(registry, drain_delay={DRAIN_DELAY_S}))
    """
)


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"uvicorn exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server never became ready")


def test_sigterm_drains_readiness_at_once_and_stops_only_after_the_drain_delay(
    tmp_path: Path,
) -> None:
    (tmp_path / "probe_app.py").write_text(APP)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "uvicorn", "probe_app:app", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--log-level", "warning"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    try:
        wait_ready(base, proc)
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        ready = httpx.get(f"{base}/health/ready", timeout=2)
        live = httpx.get(f"{base}/health/live", timeout=2)
        assert ready.status_code == 503
        assert ready.json()["reason"] == "draining"
        assert live.status_code == 200  # still accepting and alive: only readiness changed
        proc.wait(timeout=DRAIN_DELAY_S + 15)
        assert time.monotonic() - sent >= DRAIN_DELAY_S - 0.5
        # uvicorn re-raises the SIGTERM it handled once its graceful shutdown is done
        assert proc.returncode in (0, -signal.SIGTERM)
        assert proc.stderr is not None
        assert b"Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
