"""Every PromQL expression the monitoring target writes selects only metrics that exist.

The names are checked against what a real instrumented app exports: a FastAPI app wrapped with
``prodready.instrument`` runs under uvicorn in a subprocess, with a real Redis as its dependency,
serves a few requests (one failing, one WebSocket) and is scraped over HTTP.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from monitoring_support import ALL_CASES, all_metric_names, load_spec, metric_names  # type: ignore[import-not-found]
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from prodready.generate.targets import monitoring
from prodready.generate.targets.monitoring._rules import KUBE_RESTARTS
from prodready.metrics import names
from prodready.testing import RedisServer, free_port

# Series Prometheus itself attaches to every scrape target.
PROMETHEUS_SYNTHETIC = frozenset({"up"})

_APP = """
from fastapi import FastAPI, WebSocket

import prodready

api = FastAPI()


@api.get("/items/{item_id}")
async def item(item_id: int) -> dict[str, int]:
    return {"item_id": item_id}


@api.get("/boom")
async def boom() -> None:
    raise RuntimeError("boom")


@api.websocket("/ws")
async def ws(socket: WebSocket) -> None:
    await socket.accept()
    await socket.send_text("hi")
    await socket.close()


app = prodready.instrument(api)
"""


def _exprs(files: dict[str, str], name: str) -> tuple[list[str], list[str]]:
    """(app expressions: compose rules + dashboard, operator-only expressions)."""
    root = monitoring.ROOT
    app: list[str] = []
    rules = yaml.safe_load(files[f"{root}/rules/{name}.yml"])
    app += [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    dashboard = json.loads(files[f"{root}/grafana/dashboards/{name}.json"])
    app += [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    operator = yaml.safe_load(files[f"{root}/kubernetes/prometheusrule.yaml"])
    app_groups = {group["name"] for group in rules["groups"]}
    extra = [
        rule["expr"]
        for group in operator["spec"]["groups"]
        if group["name"] not in app_groups
        for rule in group["rules"]
    ]
    return app, extra


def _recorded(files: dict[str, str], name: str) -> set[str]:
    rules = yaml.safe_load(files[f"{monitoring.ROOT}/rules/{name}.yml"])
    return {
        rule["record"] for group in rules["groups"] for rule in group["rules"] if "record" in rule
    }


@pytest.fixture(scope="module")
def exported(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Sample names a running instrumented app exports after real traffic."""
    workdir = tmp_path_factory.mktemp("instrumented")
    (workdir / "edge_app.py").write_text(_APP)
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV"}
    }
    # Redis is up; the database URL points at a closed port, so one check keeps failing and the
    # failure counter is exported too.
    env.update(
        {
            "REDIS_URL": redis_server.url,
            "DATABASE_URL": f"postgresql://app:unused@127.0.0.1:{free_port()}/app",
            "ENVIRONMENT": "development",
            "LOG_LEVEL": "WARNING",
        }
    )
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "edge_app:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        with httpx.Client(base_url=base, timeout=5) as client:
            while True:
                try:
                    if client.get("/health/live").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("instrumented app never became live: " + _log(server, log_path))
                time.sleep(0.2)
            assert client.get("/items/1").status_code == 200
            assert client.get("/boom").status_code == 500
            with connect(f"ws://127.0.0.1:{port}/ws") as socket:
                assert socket.recv() == "hi"
            while True:
                body = client.get("/metrics").text
                found = {
                    sample.name
                    for family in text_string_to_metric_families(body)
                    for sample in family.samples
                }
                wanted = {
                    names.HEALTH_CHECK_DURATION_SECONDS + "_count",
                    names.HEALTH_CHECK_FAILURES_TOTAL,
                }
                if wanted <= found:
                    return found
                if time.monotonic() > deadline:
                    pytest.fail("health metrics never appeared in /metrics")
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)


def _log(server: subprocess.Popen[bytes], path: Path) -> str:
    server.kill()
    server.wait(timeout=10)
    return path.read_text(errors="replace")[-2000:]


@pytest.mark.parametrize("name", ALL_CASES)
def test_every_expression_selects_only_metrics_the_running_app_exports(
    name: str, exported: set[str]
) -> None:
    spec = load_spec(name)
    files = monitoring.render(spec)
    app, operator = _exprs(files, spec.name)
    selected = all_metric_names(app)
    known = exported | PROMETHEUS_SYNTHETIC | _recorded(files, spec.name)
    assert selected - known == set(), f"unknown metrics: {sorted(selected - known)}"
    # The operator-only rules read kube-state-metrics, which the Kubernetes target's cluster runs.
    assert all_metric_names(operator) == {KUBE_RESTARTS}


def test_the_expressions_exercise_every_family_the_runtime_names() -> None:
    """The dashboard and rules use every HTTP, WebSocket and health family of the names module."""
    files = monitoring.render(load_spec("shop"))
    app, _ = _exprs(files, "shop")
    selected = {n.removesuffix("_bucket").removesuffix("_count") for n in all_metric_names(app)}
    families = {
        value
        for key, value in vars(names).items()
        if key.isupper() and not key.startswith(("LABEL_", "UNMATCHED", "OTHER"))
    }
    missing = families - selected - {names.WEBSOCKET_CONNECTIONS_TOTAL}
    assert missing == set()


def test_metric_name_extraction_ignores_functions_labels_and_keywords() -> None:
    expr = (
        'sum by (route, le) (rate(http_requests_total{job="a", route!~"/x|/y"}[5m])) '
        '/ ignoring(status) foo:bar and absent(up{job="a"}) or vector(1)'
    )
    assert metric_names(expr) == {"http_requests_total", "foo:bar", "up"}
