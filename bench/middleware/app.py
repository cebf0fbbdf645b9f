"""The hello-world app under test, one variant per ``BENCH_VARIANT``; served by uvicorn.

Every variant is the same Starlette app with one route; only the metrics middleware differs,
each installed the way its documentation says (``add_middleware`` / ``instrument``).
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import CollectorRegistry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


def build(variant: str) -> Any:
    app = Starlette(routes=[Route("/hello/{name}", hello)])
    if variant == "none":
        return app
    if variant == "passthrough":
        # an empty pure-ASGI middleware: the floor any middleware pays for its layer

        class Passthrough:
            def __init__(self, app: Any) -> None:
                self.app = app

            async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
                await self.app(scope, receive, send)

        app.add_middleware(Passthrough)
        return app
    if variant == "prodready":
        from prodready.metrics import MetricsMiddleware

        # its own registry: instrumentator uses the same metric names in the global one
        app.add_middleware(MetricsMiddleware, registry=CollectorRegistry())
        return app
    if variant == "prodready-full":
        # metrics + request IDs + one JSON access line per request (to /dev/null)
        import sys

        from prodready.logging import RequestIdMiddleware, configure_logging
        from prodready.metrics import MetricsMiddleware

        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
        configure_logging(json=True, stream=sys.stdout)
        app.add_middleware(MetricsMiddleware, registry=CollectorRegistry())
        app.add_middleware(RequestIdMiddleware)
        return app
    if variant == "instrumentator":
        from prometheus_fastapi_instrumentator import Instrumentator

        Instrumentator().instrument(app)
        return app
    if variant == "starlette-exporter":
        from starlette_exporter import PrometheusMiddleware

        app.add_middleware(PrometheusMiddleware)
        return app
    raise SystemExit(f"unknown BENCH_VARIANT {variant!r}")


app = build(os.environ.get("BENCH_VARIANT", "none"))
