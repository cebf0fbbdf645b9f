from __future__ import annotations

import json
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

APP = textwrap.dedent(
    """
    from fastapi import FastAPI
    import prodready

    api = FastAPI()

    @api.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    app = prodready.instrument(api, settings=prodready.ServiceSettings(drain_delay_s=5))
    """
)


def _get(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=2)
    except httpx.TransportError:
        return None


@pytest.mark.slow
def test_sigterm_turns_readiness_503_while_liveness_and_traffic_carry_on(tmp_path: Path) -> None:
    (tmp_path / "drainapp.py").write_text(APP)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "uvicorn", "drainapp:app", "--port", str(port)]
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*cmd, "--app-dir", str(tmp_path)],
            cwd=tmp_path,
            env={k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while (r := _get(f"{base}/health/ready")) is None or r.status_code != 200:
            assert proc.poll() is None, "uvicorn exited"
            assert time.monotonic() < deadline, "never ready"
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        ready = _get(f"{base}/health/ready")
        assert ready is not None
        assert ready.status_code == 503
        assert ready.json()["reason"] == "draining"
        live, hello = _get(f"{base}/health/live"), _get(f"{base}/hello")
        assert live is not None
        assert live.status_code == 200
        assert hello is not None
        assert hello.json() == {"hello": "world"}
        assert time.monotonic() - sent < 4.5  # all of the above happened inside the drain
        # uvicorn re-raises the SIGTERM it captured once it has shut down cleanly.
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
        assert time.monotonic() - sent >= 4.5
        # uvicorn's own lines went through the JSON pipeline
        lines = [json.loads(ln) for ln in log.read_text().splitlines() if ln.startswith("{")]
        assert {"logger": "uvicorn.error", "event": "Application shutdown complete."}.items() <= (
            next(ln for ln in lines if ln["event"] == "Application shutdown complete.").items()
        )
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
