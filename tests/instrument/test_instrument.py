from __future__ import annotations

import time
from typing import Any

import pytest
import structlog
from fastapi import FastAPI, WebSocket
from prometheus_client import CollectorRegistry
from starlette.testclient import TestClient

import prodready
from conftest import Lines  # type: ignore[import-not-found]
from prodready.health import HealthRegistry
from prodready.logging import configure_logging
from prodready.metrics import names
from prodready.settings import ServiceSettings
from prodready.testing import RedisServer


def _api() -> FastAPI:
    api = FastAPI(title="orders")

    @api.get("/items/{item_id}")
    async def item(item_id: int) -> dict[str, int]:
        structlog.get_logger("orders").info("item read", item_id=item_id)
        return {"item_id": item_id}

    return api


def _settings(**values: Any) -> ServiceSettings:
    return ServiceSettings(_env_file=None, **values)


def _instrument(api: Any, **kwargs: Any) -> prodready._instrument.Instrumented:
    kwargs.setdefault("settings", _settings())
    kwargs.setdefault("registry", CollectorRegistry())
    kwargs.setdefault("configure_logs", False)
    return prodready.instrument(api, **kwargs)


def _wait_for(client: TestClient, path: str, status: int, **kwargs: Any) -> Any:
    deadline = time.monotonic() + 15
    while True:
        response = client.get(path, **kwargs)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


def test_one_call_serves_probes_metrics_request_ids_and_access_lines(stream: Lines) -> None:
    configure_logging(json=True, stream=stream)
    app = _instrument(_api())
    with TestClient(app) as client:
        assert client.get("/health/live").status_code == 200
        assert _wait_for(client, "/health/ready", 200).status_code == 200
        response = client.get("/items/3", headers={"X-Request-ID": "req-123"})
        assert response.json() == {"item_id": 3}
        assert response.headers["x-request-id"] == "req-123"
        scrape = client.get("/metrics").text
    assert 'http_requests_total{method="GET",route="/items/{item_id}",status="200"} 1.0' in scrape
    lines = [r for r in stream.records() if r.get("request_id") == "req-123"]
    assert [r["event"] for r in lines] == ["item read", "request"]
    assert lines[1]["route"] == "/items/{item_id}"


def test_probe_and_scrape_requests_stay_out_of_request_metrics(stream: Lines) -> None:
    configure_logging(json=True, stream=stream, level="DEBUG")
    app = _instrument(_api())
    with TestClient(app) as client:
        for path in ("/health/live", "/health/ready", "/metrics", "/health/components/nope"):
            client.get(path)
        scrape = client.get("/metrics").text
    assert names.HTTP_REQUESTS_TOTAL + "{" not in scrape
    routes = [r["route"] for r in stream.records() if r["event"] == "request"]
    assert routes == [
        "/health/live",
        "/health/ready",
        "/metrics",
        "/health/components/{name}",
        "/metrics",
    ]


def test_the_wrapped_apps_attributes_stay_reachable_and_late_routes_work() -> None:
    app = _instrument(_api())
    assert app.title == "orders"

    @app.get("/late/{n}")
    async def late(n: int) -> dict[str, int]:
        return {"n": n}

    with TestClient(app) as client:
        assert client.get("/late/5").json() == {"n": 5}
        scrape = client.get("/metrics").text
    assert 'route="/late/{n}"' in scrape


def test_a_plain_asgi_app_is_instrumented_too() -> None:
    async def plain(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"plain"})

    app = _instrument(plain)
    with TestClient(app) as client:
        assert client.get("/anything").text == "plain"
        assert client.get("/health/live").status_code == 200
        scrape = client.get("/metrics").text
    assert 'route="__unmatched__",status="200"} 1.0' in scrape


def test_health_details_are_hidden_in_production_and_shown_to_token_holders() -> None:
    health = HealthRegistry()

    async def queue() -> dict[str, int]:
        return {"depth": 3}

    health.add("queue", queue)
    settings = _settings(health_token="probe-token-123456")
    app = _instrument(_api(), settings=settings, health=health)
    with TestClient(app) as client:
        anonymous = _wait_for(client, "/health/ready", 200).json()
        bearer = {"Authorization": "Bearer probe-token-123456"}
        authorized = client.get("/health/ready", headers=bearer).json()
    assert "details" not in anonymous["components"]["queue"]
    assert authorized["components"]["queue"]["details"] == {"depth": 3}


def test_checks_are_registered_from_settings_and_feed_health_metrics(
    redis_server: RedisServer,
) -> None:
    registry = CollectorRegistry()
    app = _instrument(_api(), settings=_settings(redis_url=redis_server.url), registry=registry)
    assert "redis" in app.health
    with TestClient(app) as client:
        ready = _wait_for(client, "/health/ready", 200)
        assert ready.status_code == 200
        deadline = time.monotonic() + 15
        labels = {"check": "redis", "status": "healthy"}
        while registry.get_sample_value(names.HEALTH_CHECK_STATUS, labels) != 1.0:
            if time.monotonic() > deadline:
                pytest.fail("health metrics never showed redis healthy")
            time.sleep(0.2)
        scrape = client.get("/metrics").text
    assert 'health_check_duration_seconds_count{check="redis"}' in scrape
    assert redis_server.password not in scrape


def test_websockets_pass_through_with_metrics_and_an_echoed_request_id() -> None:
    api = _api()

    @api.websocket("/ws/{room}")
    async def chat(websocket: WebSocket, room: str) -> None:
        await websocket.accept()
        await websocket.send_text(f"{room}:{websocket.state.request_id}")
        await websocket.close()

    registry = CollectorRegistry()
    app = _instrument(api, registry=registry)
    with (
        TestClient(app) as client,
        client.websocket_connect("/ws/lobby", headers={"X-Request-ID": "ws-1"}) as ws,
    ):
        assert ws.receive_text() == "lobby:ws-1"
    labels = {"route": "/ws/{room}"}
    assert registry.get_sample_value(names.WEBSOCKET_CONNECTIONS_TOTAL, labels) == 1
    assert registry.get_sample_value(names.WEBSOCKET_CONNECTIONS_ACTIVE, labels) == 0


def test_access_lines_can_be_switched_off_in_settings(stream: Lines) -> None:
    configure_logging(json=True, stream=stream)
    app = _instrument(_api(), settings=_settings(access_log=False))
    with TestClient(app) as client:
        client.get("/items/1", headers={"X-Request-ID": "quiet-1"})
    events = [r["event"] for r in stream.records() if r.get("request_id") == "quiet-1"]
    assert events == ["item read"]
