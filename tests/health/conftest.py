"""Shared helpers for the health tests: an in-process ASGI call and small check factories."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from prodready.health import HealthRegistry


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


async def call(
    app: Callable[..., Awaitable[None]],
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    query: str = "",
) -> Response:
    """Drive an ASGI app with one HTTP request, in-process, and collect the response."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    hdrs = {k.decode(): v.decode() for k, v in start["headers"]}
    return Response(start["status"], hdrs, b"".join(m.get("body", b"") for m in sent[1:]))


@dataclass
class Counting:
    """An async check that counts its calls and does what its fields say."""

    delay: float = 0.0
    fail: bool = False
    result: Any = None
    calls: int = 0
    outcomes: list[bool] = field(default_factory=list)  # per call: True = fail; then `fail`

    async def __call__(self) -> Any:
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        fail = self.outcomes.pop(0) if self.outcomes else self.fail
        if fail:
            raise ConnectionError("dependency refused the connection")
        return self.result


@pytest.fixture
def registry() -> HealthRegistry:
    """A fresh registry per test (nothing registers at import)."""
    return HealthRegistry()


@pytest.fixture
def asgi() -> Callable[..., Awaitable[Response]]:
    """``await asgi(app, path, method=, headers=, query=)`` -> Response, in-process."""
    return call


@pytest.fixture
def counting() -> type[Counting]:
    """The :class:`Counting` check factory."""
    return Counting
