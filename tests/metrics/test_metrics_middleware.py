from __future__ import annotations

import random
import string
import subprocess
import sys
from collections.abc import Awaitable, Callable

import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from prodready.metrics import MetricsMiddleware, names

Call = Callable[..., Awaitable[tuple[int, bytes]]]


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


async def boom(request: Request) -> PlainTextResponse:
    raise RuntimeError("postgresql://app:hunter2@db/app is down")


async def raw_asgi(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": b"static"})  # type: ignore[operator]


def _sub_app() -> Starlette:
    return Starlette(routes=[Route("/items/{item_id}", hello)])


def _app(registry: CollectorRegistry) -> MetricsMiddleware:
    sub = _sub_app()
    api = FastAPI()

    @api.get("/orders/{order_id}")
    async def order(order_id: int) -> dict[str, int]:
        return {"order_id": order_id}

    app = Starlette(
        routes=[
            Route("/users/{user_id}", hello),
            Route("/boom", boom),
            Mount("/api", app=sub),
            Mount("/v1", app=sub),
            Mount("/tenants/{tenant}", app=_sub_app()),
            Mount("/fast", app=api),
            Mount("/static", app=raw_asgi),
        ]
    )
    return MetricsMiddleware(app, registry=registry)


def _count(registry: CollectorRegistry, **labels: str) -> float:
    value = registry.get_sample_value(names.HTTP_REQUESTS_TOTAL, labels)
    return value or 0.0


def _series(registry: CollectorRegistry) -> int:
    return sum(len(metric.samples) for metric in registry.collect())


async def test_path_parameters_are_labelled_with_the_route_template(
    registry: CollectorRegistry, get: Call
) -> None:
    app = _app(registry)
    await get(app, "/users/1")
    await get(app, "/users/2")
    assert _count(registry, method="GET", route="/users/{user_id}", status="200") == 2


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/api/items/7", "/api/items/{item_id}"),
        ("/v1/items/7", "/v1/items/{item_id}"),
        ("/tenants/acme/items/7", "/tenants/{tenant}/items/{item_id}"),
        ("/fast/orders/3", "/fast/orders/{order_id}"),
        ("/static/css/site.css", "/static/{path}"),
    ],
)
async def test_mounted_apps_are_labelled_with_the_full_template(
    registry: CollectorRegistry, get: Call, path: str, template: str
) -> None:
    app = _app(registry)
    status, _ = await get(app, path)
    assert status == 200
    assert _count(registry, method="GET", route=template, status="200") == 1


async def test_ten_thousand_random_unknown_paths_add_no_series(
    registry: CollectorRegistry, get: Call
) -> None:
    app = _app(registry)
    await get(app, "/no/such/path")
    await get(app, "/api/no-such-inner-path")
    before = _series(registry)
    rng = random.Random(5)
    for _ in range(10_000):
        depth = rng.randint(1, 4)
        segments = ("".join(rng.choices(string.ascii_letters, k=8)) for _ in range(depth))
        prefix = rng.choice(["", "/api", "/fast", "/tenants/x"])
        await get(app, prefix + "/" + "/".join(segments))
    assert _series(registry) == before
    assert _count(registry, method="GET", route=names.UNMATCHED_ROUTE, status="404") == 10_002


async def test_unhandled_exception_counts_as_500(registry: CollectorRegistry, get: Call) -> None:
    app = _app(registry)
    with pytest.raises(RuntimeError):
        await get(app, "/boom")
    assert _count(registry, method="GET", route="/boom", status="500") == 1
    exceptions = registry.get_sample_value(
        names.HTTP_REQUEST_EXCEPTIONS_TOTAL,
        {"method": "GET", "route": "/boom", "exception": "RuntimeError"},
    )
    assert exceptions == 1


def test_exception_behind_starlettes_error_middleware_counts_as_500(
    registry: CollectorRegistry,
) -> None:
    app = Starlette(routes=[Route("/boom", boom)])
    app.add_middleware(MetricsMiddleware, registry=registry)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/boom").status_code == 500
    assert _count(registry, method="GET", route="/boom", status="500") == 1


async def test_non_standard_methods_share_one_label(registry: CollectorRegistry, get: Call) -> None:
    app = _app(registry)
    await get(app, "/users/1", method="BREW")
    await get(app, "/users/1", method="XYZZY")
    assert _count(registry, method="OTHER", route="/users/{user_id}", status="405") == 2


async def test_duration_histogram_uses_the_same_labels(
    registry: CollectorRegistry, get: Call
) -> None:
    app = _app(registry)
    await get(app, "/users/1")
    count = registry.get_sample_value(
        f"{names.HTTP_REQUEST_DURATION_SECONDS}_count",
        {"method": "GET", "route": "/users/{user_id}", "status": "200"},
    )
    assert count == 1


def test_requests_in_progress_rises_during_a_request_and_falls_after(
    registry: CollectorRegistry,
) -> None:
    seen: list[float | None] = []

    async def probe(request: Request) -> PlainTextResponse:
        seen.append(registry.get_sample_value(names.HTTP_REQUESTS_IN_PROGRESS, {"method": "GET"}))
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/probe", probe)])
    with TestClient(MetricsMiddleware(app, registry=registry)) as client:
        client.get("/probe")
    assert seen == [1.0]
    assert registry.get_sample_value(names.HTTP_REQUESTS_IN_PROGRESS, {"method": "GET"}) == 0.0


def test_websocket_connections_are_counted_active_and_total(
    registry: CollectorRegistry,
) -> None:
    active_during: list[float | None] = []

    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        active_during.append(
            registry.get_sample_value(names.WEBSOCKET_CONNECTIONS_ACTIVE, {"route": "/ws/{room}"})
        )
        await websocket.send_text(await websocket.receive_text())
        await websocket.close()

    app = Starlette(routes=[WebSocketRoute("/ws/{room}", echo)])
    with TestClient(MetricsMiddleware(app, registry=registry)) as client:
        for room in ("a", "b"):
            with client.websocket_connect(f"/ws/{room}") as ws:
                ws.send_text("hi")
                assert ws.receive_text() == "hi"
    assert active_during == [1.0, 1.0]
    labels = {"route": "/ws/{room}"}
    assert registry.get_sample_value(names.WEBSOCKET_CONNECTIONS_TOTAL, labels) == 2
    assert registry.get_sample_value(names.WEBSOCKET_CONNECTIONS_ACTIVE, labels) == 0


def test_two_middlewares_on_one_registry_share_the_metric_families(
    registry: CollectorRegistry,
) -> None:
    app = Starlette(routes=[Route("/", hello)])
    first = MetricsMiddleware(app, registry=registry)
    second = MetricsMiddleware(app, registry=registry)
    assert first.metrics is second.metrics


def test_importing_the_metrics_package_registers_nothing() -> None:
    code = (
        "import prometheus_client, prodready.metrics, prodready.logging, prodready._instrument\n"
        "names = [m.name for m in prometheus_client.REGISTRY.collect()]\n"
        "print(any(n.startswith(('http_', 'health_', 'websocket_')) for n in names))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"
