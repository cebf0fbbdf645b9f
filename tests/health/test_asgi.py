"""The probe endpoints, driven in-process (ASGI) and mounted in Starlette/FastAPI."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from prodready.health import HealthApp, HealthRegistry, HealthRunner

TOKEN = "probe-token-123"


def app_with(registry: HealthRegistry, **kwargs: Any) -> HealthApp:
    return HealthApp(HealthRunner(registry, handle_signals=False), **kwargs)


async def ok() -> dict[str, str]:
    return {"version": "16.4"}


async def down() -> None:
    raise ConnectionError("no route to host")


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/health", 503),
        ("/health/live", 200),
        ("/health/ready", 503),
        ("/health/startup", 200),
        ("/health/components", 503),
        ("/health/components/db", 200),
        ("/health/components/cache", 503),
        ("/health/components/event_loop", 200),
    ],
)
async def test_each_route_answers_with_the_status_code_of_its_report(
    registry: HealthRegistry, asgi: Any, path: str, code: int
) -> None:
    registry.add("db", ok)
    registry.add("cache", down)
    response = await asgi(app_with(registry), path)
    assert response.status == code
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"] == "application/json"


async def test_unknown_component_is_404(registry: HealthRegistry, asgi: Any) -> None:
    response = await asgi(app_with(registry), "/health/components/nope")
    assert response.status == 404
    assert json.loads(response.body) == {"error": "unknown component", "component": "nope"}


async def test_unknown_path_is_404_and_other_methods_405(
    registry: HealthRegistry, asgi: Any
) -> None:
    app = app_with(registry)
    assert (await asgi(app, "/health/whatever")).status == 404
    post = await asgi(app, "/health/ready", method="POST")
    assert post.status == 405
    assert post.headers["allow"] == "GET, HEAD"


async def test_head_has_the_status_and_headers_but_no_body(
    registry: HealthRegistry, asgi: Any
) -> None:
    registry.add("db", ok)
    response = await asgi(app_with(registry), "/health/ready", method="HEAD")
    assert response.status == 200
    assert response.body == b""
    assert int(response.headers["content-length"]) > 0


async def test_json_body_has_status_timestamp_and_components(
    registry: HealthRegistry, asgi: Any
) -> None:
    registry.add("db", ok)
    body = json.loads((await asgi(app_with(registry, public_details=True), "/health/ready")).body)
    assert body["status"] == "healthy"
    assert body["timestamp"].endswith("Z")
    db = body["components"]["db"]
    assert db["status"] == "healthy"
    assert db["latency_ms"] >= 0
    assert db["details"] == {"version": "16.4"}


async def test_details_and_errors_are_hidden_from_anonymous_callers(
    registry: HealthRegistry, asgi: Any
) -> None:
    registry.add("db", ok)
    registry.add("cache", down)
    body = json.loads((await asgi(app_with(registry, token=TOKEN), "/health")).body)
    assert set(body["components"]["db"]) == {"status", "latency_ms"}
    assert set(body["components"]["cache"]) == {"status", "latency_ms", "reason"}
    assert "no route to host" not in json.dumps(body)


async def test_a_wrong_token_sees_no_details(registry: HealthRegistry, asgi: Any) -> None:
    registry.add("db", ok)
    response = await asgi(
        app_with(registry, token=TOKEN), "/health", headers={"Authorization": "Bearer nope"}
    )
    assert "details" not in json.loads(response.body)["components"]["db"]


async def test_the_bearer_token_unlocks_details(registry: HealthRegistry, asgi: Any) -> None:
    registry.add("cache", down)
    response = await asgi(
        app_with(registry, token=TOKEN),
        "/health/ready",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    cache = json.loads(response.body)["components"]["cache"]
    assert cache["error"] == "ConnectionError: no route to host"
    assert cache["details"] == {}


async def test_health_json_is_served_when_the_client_asks_for_it(
    registry: HealthRegistry, asgi: Any
) -> None:
    registry.add("db", ok, component_type="datastore")
    registry.add("cache", down, critical=False)
    response = await asgi(
        app_with(registry), "/health/ready", headers={"Accept": "application/health+json"}
    )
    assert response.status == 200
    assert response.headers["content-type"] == "application/health+json"
    body = json.loads(response.body)
    assert body["status"] == "warn"
    (db,) = body["checks"]["db:responseTime"]
    assert db["componentType"] == "datastore"
    assert db["status"] == "pass"
    assert db["observedUnit"] == "ms"
    assert body["checks"]["cache:responseTime"][0]["status"] == "fail"


async def test_verbose_is_one_line_per_check_kube_style(
    registry: HealthRegistry, asgi: Any
) -> None:
    registry.add("db", ok)
    registry.add("cache", down)
    response = await asgi(app_with(registry), "/health/ready", query="verbose")
    assert response.status == 503
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "[+]db ok\n[-]cache failed: exception\nreadiness check failed\n"


async def test_exclude_leaves_a_check_out_of_the_status(
    registry: HealthRegistry, asgi: Any
) -> None:
    registry.add("db", ok)
    registry.add("cache", down)
    response = await asgi(app_with(registry), "/health/ready", query="verbose&exclude=cache")
    assert response.status == 200
    assert "[+]cache excluded: failed" in response.text


async def test_standalone_app_runs_the_runner_with_the_lifespan(registry: HealthRegistry) -> None:
    registry.add("db", ok)
    app = app_with(registry)
    with TestClient(app) as client:
        assert app.runner.running
        assert client.get("/health/ready").status_code in (200, 503)
    assert not app.runner.running


def test_mounted_in_starlette_serves_under_the_mount(registry: HealthRegistry) -> None:
    registry.add("db", ok)
    health = app_with(registry)
    app = Starlette(routes=[Mount("/health", app=health)])
    with TestClient(app) as client:
        assert client.get("/health/live").status_code == 200
        assert client.get("/health/ready").json()["components"]["db"]["status"] == "healthy"
        assert client.get("/health/components/db").status_code == 200


def test_mounted_in_fastapi_serves_under_the_mount(registry: HealthRegistry) -> None:
    registry.add("db", ok)
    api = FastAPI()
    api.mount("/health", app_with(registry))
    with TestClient(api) as client:
        assert client.get("/health/ready").status_code == 200
        assert client.head("/health/live").status_code == 200


def test_wrapping_an_app_serves_the_prefix_and_passes_the_rest_through(
    registry: HealthRegistry,
) -> None:
    registry.add("db", ok)
    events: list[str] = []

    async def home(request: Any) -> PlainTextResponse:
        return PlainTextResponse("home")

    async def lifespan(app: Any) -> Any:
        events.append("app-startup")
        yield
        events.append(f"app-shutdown runner_running={wrapped.runner.running}")

    inner = Starlette(routes=[Route("/", home)], lifespan=contextlib.asynccontextmanager(lifespan))
    wrapped = app_with(registry, app=inner)
    with TestClient(wrapped) as client:
        assert wrapped.runner.running
        assert client.get("/").text == "home"
        assert client.get("/health/live").status_code == 200
        assert client.get("/elsewhere").status_code == 404
    # the runner stopped (and drained) before the app's own shutdown ran
    assert events == ["app-startup", "app-shutdown runner_running=False"]


async def test_httpx_client_sees_the_same_contract(registry: HealthRegistry) -> None:
    registry.add("db", ok)
    transport = httpx.ASGITransport(app=app_with(registry))
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
        response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"


async def test_a_runner_that_cannot_start_fails_the_lifespan_startup(
    registry: HealthRegistry,
) -> None:
    class Broken(HealthRunner):
        async def start(self) -> None:
            raise RuntimeError("cannot start")

    app = HealthApp(Broken(registry, handle_signals=False))
    messages = [{"type": "lifespan.startup"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app({"type": "lifespan"}, receive, send)
    assert sent == [{"type": "lifespan.startup.failed", "message": "RuntimeError('cannot start')"}]


def test_readiness_is_503_not_run_yet_until_the_first_run_completes(
    registry: HealthRegistry,
) -> None:
    release = threading.Event()

    def slow_first_run() -> None:
        release.wait(10)

    registry.add("db", slow_first_run, timeout=10)
    app = app_with(registry)
    with TestClient(app) as client:
        early = client.get("/health/ready")
        assert early.status_code == 503
        assert early.json()["reason"] == "not-run-yet"
        assert early.json()["components"]["db"]["status"] == "unknown"
        assert client.get("/health/live").status_code == 200
        release.set()
        deadline = time.monotonic() + 10
        while client.get("/health/ready").status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)
