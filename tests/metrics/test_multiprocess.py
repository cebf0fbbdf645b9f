from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from prodready.metrics import HttpMetrics, compact_dead_workers, names
from prodready.testing import free_port

WORKER = textwrap.dedent(
    """
    import sys
    from prometheus_client import CollectorRegistry
    from prodready.metrics import HttpMetrics
    metrics = HttpMetrics(CollectorRegistry())
    for _ in range(int(sys.argv[1])):
        metrics.observe("GET", "/items/{item_id}", "200", 0.02)
    metrics.request_started("GET")
    metrics.flush()
    """
)


def _run_worker(directory: Path, requests: int) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    subprocess.run([sys.executable, "-c", WORKER, str(requests)], env=env, check=True)


def _merged(directory: Path) -> CollectorRegistry:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    return registry


LABELS = {"method": "GET", "route": "/items/{item_id}", "status": "200"}


def test_dead_workers_are_folded_into_one_archive_without_changing_totals(
    tmp_path: Path,
) -> None:
    for requests in (3, 5, 7):
        _run_worker(tmp_path, requests)
    assert len(list(tmp_path.glob("*.db"))) == 9  # counter, histogram, live gauge per worker

    compact_dead_workers(str(tmp_path))

    assert sorted(p.name for p in tmp_path.glob("*.db")) == [
        "counter_archive.db",
        "histogram_archive.db",
    ]
    merged = _merged(tmp_path)
    assert merged.get_sample_value(names.HTTP_REQUESTS_TOTAL, LABELS) == 15
    duration_count = f"{names.HTTP_REQUEST_DURATION_SECONDS}_count"
    assert merged.get_sample_value(duration_count, LABELS) == 15
    bucket = merged.get_sample_value(
        f"{names.HTTP_REQUEST_DURATION_SECONDS}_bucket", {**LABELS, "le": "0.025"}
    )
    assert bucket == 15
    assert merged.get_sample_value(names.HTTP_REQUESTS_IN_PROGRESS, {"method": "GET"}) is None


def test_compaction_accumulates_across_rounds(tmp_path: Path) -> None:
    _run_worker(tmp_path, 4)
    compact_dead_workers(str(tmp_path))
    _run_worker(tmp_path, 6)
    compact_dead_workers(str(tmp_path))
    assert _merged(tmp_path).get_sample_value(names.HTTP_REQUESTS_TOTAL, LABELS) == 10
    assert len(list(tmp_path.glob("*.db"))) == 2


def test_files_of_live_processes_are_left_alone(tmp_path: Path) -> None:
    live = tmp_path / f"counter_{os.getppid()}.db"
    live.write_bytes(b"")
    assert compact_dead_workers(str(tmp_path)) == 0
    assert live.exists()


APP = textwrap.dedent(
    """
    import os
    from prometheus_client import CollectorRegistry
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from prodready.metrics import MetricsMiddleware, make_metrics_app, multiprocess_dir

    async def pid(request):
        return PlainTextResponse(str(os.getpid()))

    registry = CollectorRegistry()
    served = MetricsMiddleware(Starlette(routes=[Route("/pid", pid)]), registry=registry)
    scrape = make_metrics_app(registry, multiprocess_dir=multiprocess_dir())

    async def app(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/metrics":
            await scrape(scope, receive, send)
        else:
            await served(scope, receive, send)
    """
)


def _wait_until_serving(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"uvicorn exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("uvicorn did not start within 60 s")


@pytest.mark.slow
def test_totals_stay_exact_under_four_uvicorn_workers_after_one_is_killed(
    tmp_path: Path,
) -> None:
    (tmp_path / "mpapp.py").write_text(APP)
    metrics_dir = tmp_path / "prom"
    metrics_dir.mkdir()
    port = free_port()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    cmd = [sys.executable, "-m", "uvicorn", "mpapp:app", "--workers", "4", "--port", str(port)]
    cmd += ["--app-dir", str(tmp_path), "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(f"{base}/metrics", proc)  # not counted itself
        served: Counter[int] = Counter()
        sent = 0
        # A new connection per request spreads requests over the workers.
        while len(served) < 2 or sent < 100:
            served[int(httpx.get(f"{base}/pid", timeout=5).text)] += 1
            sent += 1
            if sent > 2000:
                raise AssertionError(f"requests never reached two workers: {served}")
        victim, _ = served.most_common(1)[0]
        # Workers move request tallies into their files within FLUSH_DELAY_S; what a worker
        # flushed must survive its SIGKILL and the compaction of its files.
        time.sleep(HttpMetrics.FLUSH_DELAY_S * 5)
        os.kill(victim, signal.SIGKILL)
        replaced = False
        deadline = time.monotonic() + 60
        while not replaced or sent < 200:
            if time.monotonic() > deadline:
                raise AssertionError("the killed worker was not replaced within 60 s")
            try:
                worker = int(httpx.get(f"{base}/pid", timeout=5).text)
            except httpx.TransportError:
                continue  # the dying worker's accepted-but-unserved connection
            sent += 1
            replaced = replaced or worker not in served
            served[worker] += 1
        time.sleep(HttpMetrics.FLUSH_DELAY_S * 5)
        scrape = httpx.get(f"{base}/metrics", timeout=10).text
        line = next(
            ln
            for ln in scrape.splitlines()
            if ln.startswith(names.HTTP_REQUESTS_TOTAL + "{") and 'route="/pid"' in ln
        )
        assert float(line.rsplit(" ", 1)[1]) == sent
        assert not list(metrics_dir.glob(f"*_{victim}.db"))
        assert (metrics_dir / "counter_archive.db").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
