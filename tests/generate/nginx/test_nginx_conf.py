"""The nginx target: golden files, ``nginx -t``, and a real nginx in front of a real upstream."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import threading
import time
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from prodready.generate.targets import nginx
from prodready.spec import ServiceSpec, load_spec, parse_spec
from prodready.testing import free_port

SPECS = Path(__file__).parent.parent / "monitoring" / "specs"
SPEC_NAMES = tuple(sorted(path.stem for path in SPECS.glob("*.toml")))
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
# Golden files pin the test specs; the property tests also run on the reference services.
CASES = SPEC_NAMES + tuple(
    sorted(f"example:{path.parent.name}" for path in EXAMPLES.glob("*/pyproject.toml"))
)
GOLDEN = Path(__file__).parent / "golden"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def _spec(name: str) -> ServiceSpec:
    if name.startswith("example:"):
        return load_spec(EXAMPLES / name.removeprefix("example:"))
    with (SPECS / f"{name}.toml").open("rb") as handle:
        return parse_spec(tomllib.load(handle))


def _nginx() -> str:
    if NGINX is None:
        pytest.fail("nginx is missing: run scripts/install-test-deps (Debian package nginx-light)")
    return NGINX


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_nginx_conf_matches_golden(name: str) -> None:
    text = nginx.render(_spec(name))[nginx.CONF_PATH]
    golden = GOLDEN / f"{name}.conf"
    if os.environ.get("PRODREADY_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == text


def _local(plan: nginx.NginxPlan, tmp_path: Path, **changes: object) -> Path:
    """The plan's config with only the environment-specific values pointed at this machine."""
    local = dataclasses.replace(
        plan, upstream_host="127.0.0.1", runtime_dir=str(tmp_path), **changes
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx.render_plan(local), encoding="utf-8")
    return conf


@pytest.mark.parametrize("name", CASES)
def test_generated_conf_passes_nginx_t(name: str, tmp_path: Path) -> None:
    plan = nginx.plan_from_spec(_spec(name))
    conf = _local(plan, tmp_path)
    result = subprocess.run(
        [_nginx(), "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr


class _Echo(BaseHTTPRequestHandler):
    """The upstream: answers every request with the headers it received, as JSON."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Powered-By", "echo")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def edge(tmp_path: Path) -> Iterator[str]:
    """A real nginx with the shop config (rate 1 r/s, burst 2) in front of the echo upstream."""
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=upstream.serve_forever, daemon=True)
    thread.start()
    port = free_port()
    plan = nginx.plan_from_spec(_spec("shop"))
    conf = _local(
        plan,
        tmp_path,
        upstream_port=upstream.server_address[1],
        listen_port=port,
        rate_per_s=1,
        burst=2,
    )
    process = subprocess.Popen(
        [
            _nginx(),
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(conf),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(base + nginx.EDGE_HEALTH_PATH, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(
                    (tmp_path / "error.log").read_text()
                    if (tmp_path / "error.log").exists()
                    else "nginx did not start"
                )
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        upstream.shutdown()
        upstream.server_close()


def test_edge_sets_request_id_and_overwrites_spoofed_forwarding(edge: str) -> None:
    response = httpx.get(
        edge + "/items/1",
        headers={"X-Forwarded-For": "6.6.6.6", "X-Request-ID": "client-chosen"},
        timeout=5,
    )
    seen = response.json()
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert seen["x-forwarded-proto"] == "https"  # the shop spec's ingress terminates TLS
    assert len(seen["x-request-id"]) == 32
    assert seen["x-request-id"] != "client-chosen"
    # "Connection: ''" is not sent at all: the upstream connection stays in the keepalive pool.
    assert "connection" not in seen


def test_edge_adds_security_headers_and_hides_the_upstream_banner(edge: str) -> None:
    response = httpx.get(edge + "/items/1", timeout=5)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "max-age=" in response.headers["strict-transport-security"]
    assert "x-powered-by" not in response.headers
    assert "nginx/" not in response.headers.get("server", "")


def test_edge_rate_limits_clients_but_never_probes_or_metrics(edge: str) -> None:
    with httpx.Client(base_url=edge, timeout=5) as client:
        app = [client.get("/items/1").status_code for _ in range(20)]
        probes = [client.get("/health/ready").status_code for _ in range(20)]
        metrics = [client.get("/metrics").status_code for _ in range(20)]
    # 1 r/s with a burst of 2: far fewer than 20 requests can pass in a few seconds.
    assert app.count(429) >= 10
    assert set(probes) == {200}
    assert set(metrics) == {200}


def test_hsts_scheme_and_body_limit_follow_the_spec_ingress() -> None:
    """HSTS and ``X-Forwarded-Proto: https`` only with TLS; the body limit is the spec's."""
    plain = nginx.render(_spec("hitl-review"))[nginx.CONF_PATH]
    assert "Strict-Transport-Security" not in plain
    assert "X-Forwarded-Proto $scheme" in plain
    assert "client_max_body_size 25m;" in nginx.render(_spec("shop"))[nginx.CONF_PATH]
