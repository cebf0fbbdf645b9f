from __future__ import annotations

import logging
import re

import pytest
import structlog
from fastapi import BackgroundTasks, FastAPI
from starlette.requests import Request
from starlette.testclient import TestClient

from conftest import Lines  # type: ignore[import-not-found]
from prodready.logging import (
    RequestIdMiddleware,
    configure_logging,
    request_id_from_headers,
)
from prodready.metrics import MetricsMiddleware

NGINX_ID = "7f9c0a4e5b3d2c1f8e6a9b0c1d2e3f4a"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def _app() -> FastAPI:
    app = FastAPI()
    log = structlog.get_logger("handler")

    def in_thread_pool() -> None:
        logging.getLogger("sync.lib").info("from the thread pool")

    def after_response() -> None:
        structlog.get_logger("background").info("from a background task")

    @app.get("/work/{job}")
    def work(job: str, tasks: BackgroundTasks) -> dict[str, str]:
        # A sync endpoint: FastAPI runs it in the thread pool.
        log.info("endpoint", job=job)
        in_thread_pool()
        tasks.add_task(after_response)
        return {"job": job}

    @app.get("/async")
    async def async_endpoint(tasks: BackgroundTasks) -> dict[str, str]:
        logging.getLogger("async.lib").info("on the event loop")
        tasks.add_task(after_response)
        return {}

    return app


def _client(app: FastAPI) -> TestClient:
    return TestClient(RequestIdMiddleware(MetricsMiddleware(app, registry=_registry())))


def _registry():  # type: ignore[no-untyped-def]
    from prometheus_client import CollectorRegistry

    return CollectorRegistry()


@pytest.mark.parametrize("path", ["/work/7", "/async"])
def test_every_line_of_a_request_carries_its_id(stream: Lines, path: str) -> None:
    configure_logging(json=True, stream=stream)
    with _client(_app()) as client:
        response = client.get(path, headers={"X-Request-ID": NGINX_ID})
        client.get(path)  # a second request must not leak its ID into the first one's lines
    assert response.status_code == 200
    records = [r for r in stream.records() if r.get("request_id") == NGINX_ID]
    events = {r["event"] for r in records}
    expected = {"request", "from a background task"}
    expected |= {"endpoint", "from the thread pool"} if path == "/work/7" else {"on the event loop"}
    assert events == expected
    # Every server-side line has an ID; only the test client's own httpx lines are outside.
    unlabelled = [r for r in stream.records() if "request_id" not in r]
    assert {r["logger"] for r in unlabelled} <= {"httpx", "httpx2"}


def test_one_access_line_per_request_with_route_status_and_duration(stream: Lines) -> None:
    configure_logging(json=True, stream=stream)
    with _client(_app()) as client:
        client.get("/work/42")
        client.get("/nowhere")
    access = [r for r in stream.records() if r["event"] == "request"]
    assert [(r["method"], r["route"], r["status"]) for r in access] == [
        ("GET", "/work/{job}", 200),
        ("GET", "__unmatched__", 404),
    ]
    assert all(r["logger"] == "prodready.access" for r in access)
    assert all(isinstance(r["duration_ms"], float) and r["duration_ms"] >= 0 for r in access)


def test_the_id_is_echoed_and_available_on_request_state(stream: Lines) -> None:
    app = FastAPI()

    @app.get("/id")
    async def show(request: Request) -> dict[str, str]:
        return {"id": request.state.request_id}

    configure_logging(json=True, stream=stream)
    with TestClient(RequestIdMiddleware(app)) as client:
        response = client.get("/id", headers={"X-Request-ID": NGINX_ID})
    assert response.headers["x-request-id"] == NGINX_ID
    assert response.json() == {"id": NGINX_ID}


@pytest.mark.parametrize(
    "upstream",
    [
        NGINX_ID,
        "0b7c5f3e-2a91-4d6b-9e0f-3c8a1d2b4e5f",
        "01HGW2N7EHJP6Q3Z5Y8X9V0T1R",
        "Root=1-67891233-abcdef012345678912345678",
        "a" * 128,
    ],
)
def test_safe_upstream_ids_pass_through_unchanged(upstream: str) -> None:
    assert request_id_from_headers([(b"x-request-id", upstream.encode())]) == (upstream, None)


@pytest.mark.parametrize(
    "upstream",
    [
        "",
        "a" * 129,
        "abc\ndef",
        'abc" level="critical',
        "has space",
        "-leading-dash",
        "caf\u00e9",
        "x\x00y",
    ],
)
def test_unsafe_upstream_ids_are_replaced_with_a_new_one(upstream: str) -> None:
    request_id, _ = request_id_from_headers([(b"x-request-id", upstream.encode("utf-8"))])
    assert request_id != upstream
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)


def test_traceparent_trace_id_is_used_when_no_request_id_came() -> None:
    assert request_id_from_headers([(b"traceparent", TRACEPARENT.encode())]) == (
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "4bf92f3577b34da6a3ce929d0e0e4736",
    )


def test_a_safe_request_id_wins_over_traceparent_and_the_trace_id_is_kept() -> None:
    headers = [(b"x-request-id", NGINX_ID.encode()), (b"traceparent", TRACEPARENT.encode())]
    assert request_id_from_headers(headers) == (NGINX_ID, "4bf92f3577b34da6a3ce929d0e0e4736")


@pytest.mark.parametrize(
    "traceparent",
    [
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "garbage",
    ],
)
def test_invalid_traceparent_is_ignored(traceparent: str) -> None:
    request_id, trace_id = request_id_from_headers([(b"traceparent", traceparent.encode())])
    assert trace_id is None
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
