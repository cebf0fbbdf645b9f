"""``prodready.instrument(app)``: health probes, metrics, request IDs and logs in one call.

The returned application wraps ``app`` like this (outermost first)::

    RequestIdMiddleware        X-Request-ID in and out, bound to every log line; the access line
      _Endpoints               GET /metrics; route labels for the probe paths; health metrics
        HealthApp              /health, /health/live, /health/ready, /health/startup, …;
                               runs the checks in the background from the app's lifespan and
                               turns readiness to 503 ("draining") on SIGTERM
          MetricsMiddleware    http_requests_total & co. for the application's own routes
            app

Probe and ``/metrics`` requests get request IDs and access lines (at DEBUG) but stay out of the
request metrics: Prometheus sees the application's traffic, not its own scrapes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any, Final

from prometheus_client import CollectorRegistry

from prodready import _contract
from prodready.health import HealthApp, HealthRegistry, HealthRunner
from prodready.logging import RedactSecrets, RequestIdMiddleware, configure_logging
from prodready.metrics import (
    ROUTE_SCOPE_KEY,
    HealthMetrics,
    MetricsMiddleware,
    enable_multiprocess,
    make_metrics_app,
    multiprocess_dir,
)
from prodready.metrics._types import ASGIApp, Message, Receive, Scope, Send
from prodready.settings import ServiceSettings

__all__ = ["Instrumented", "instrument"]

# How often check results are copied into the health metrics; below the shortest check
# interval, so every run is seen once.
_HEALTH_METRICS_POLL_S: Final = 1.0
_HEALTH_ROUTES: Final = frozenset(
    {
        _contract.HEALTH_PATH,
        _contract.LIVENESS_PATH,
        _contract.READINESS_PATH,
        _contract.STARTUP_PATH,
        _contract.COMPONENTS_PATH,
    }
)
_COMPONENT_ROUTE: Final = _contract.COMPONENTS_PATH + "/{name}"
_NOT_RUN: Final = object()


class Instrumented:
    """The instrumented application (an ASGI app); see :func:`instrument`.

    Attributes the wrapper does not have are looked up on the wrapped application, so
    ``app.get(...)``, ``app.state`` or ``app.openapi()`` keep working on a wrapped FastAPI app.
    """

    def __init__(
        self,
        wrapped: Any,
        stack: ASGIApp,
        *,
        settings: ServiceSettings,
        health: HealthRegistry,
        runner: HealthRunner,
        registry: CollectorRegistry,
    ) -> None:
        self.wrapped = wrapped
        self.settings = settings
        self.health = health
        self.runner = runner
        self.registry = registry
        self._stack = stack

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._stack(scope, receive, send)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.wrapped, name)


def instrument(
    app: Any,
    settings: ServiceSettings | None = None,
    *,
    health: HealthRegistry | None = None,
    registry: CollectorRegistry | None = None,
    checks_from_settings: bool = True,
    configure_logs: bool = True,
) -> Instrumented:
    """Wrap ``app`` (FastAPI, Starlette or any ASGI app) with the production runtime.

    - ``settings``: default ``ServiceSettings.load()``: from the environment, ``.env`` and secret
      files; bad settings print every problem and exit with status 2.
    - ``health``: your :class:`~prodready.health.HealthRegistry` with your own checks (say, one
      that reuses the app's database pool); a check is then added for every other backing
      service named in the settings (``DATABASE_URL``, ``REDIS_URL`` …) unless
      ``checks_from_settings`` is False. A name you registered yourself is never replaced.
    - ``registry``: the Prometheus registry (default: prometheus_client's global one). When
      ``PROMETHEUS_MULTIPROC_DIR`` is set (``--workers N``), metrics go to files in that
      directory and ``/metrics`` merges every worker's.
    - ``configure_logs``: route all logging through structlog (JSON unless developing on a
      terminal), with the settings' secret values scrubbed from every line.

    Health details are shown as ``settings.health_details_mode`` says (never to anonymous
    callers in production). Serve the returned object: ``app = prodready.instrument(app)``;
    call it after the routes are declared or keep using the returned object for new ones.
    """
    settings = settings if settings is not None else ServiceSettings.load()
    if configure_logs:
        configure_logging(
            level=settings.log_level,
            json=settings.json_logs,
            redactor=RedactSecrets(settings.secret_values()),
            service=settings.service_name,
        )
    mp_dir = multiprocess_dir()
    if mp_dir is not None:
        enable_multiprocess(mp_dir)
    if registry is None:
        from prometheus_client import REGISTRY

        registry = REGISTRY

    health = health if health is not None else HealthRegistry()
    if checks_from_settings:
        from prodready.health.checkers import add_checks_from_env

        add_checks_from_env(health, {**os.environ, **settings.checker_env()})
    runner = HealthRunner(
        health, drain_delay=settings.drain_delay_s, secrets=settings.secret_values()
    )
    mode = settings.health_details_mode
    token = settings.health_token if mode == "authorized" else None

    inner: ASGIApp = app
    if settings.metrics_enabled:
        inner = MetricsMiddleware(app, registry=registry)
    probes = HealthApp(runner, app=inner, token=token, public_details=mode == "always")
    endpoints = _Endpoints(
        probes,
        metrics=make_metrics_app(registry, multiprocess_dir=mp_dir)
        if settings.metrics_enabled
        else None,
        runner=runner,
        health_metrics=HealthMetrics.for_registry(registry) if settings.metrics_enabled else None,
    )
    stack = RequestIdMiddleware(endpoints, routes_app=app, access_log=settings.access_log)
    return Instrumented(
        app, stack, settings=settings, health=health, runner=runner, registry=registry
    )


class _Endpoints:
    """Serves ``/metrics``, labels the probe routes, and copies check results into metrics."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: ASGIApp | None,
        runner: HealthRunner,
        health_metrics: HealthMetrics | None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.runner = runner
        self.health_metrics = health_metrics
        self._poller: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            path = scope["path"]
            if path == _contract.METRICS_PATH and self.metrics is not None:
                scope[ROUTE_SCOPE_KEY] = path
                await self.metrics(scope, receive, send)
                return
            if path in _HEALTH_ROUTES:
                scope[ROUTE_SCOPE_KEY] = path
            elif path.startswith(_contract.COMPONENTS_PATH + "/"):
                scope[ROUTE_SCOPE_KEY] = _COMPONENT_ROUTE
        elif kind == "lifespan" and self.health_metrics is not None:
            await self._lifespan(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def receive_wrapper() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self._stop_poller()
            return message

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete" and self._poller is None:
                self._poller = asyncio.get_running_loop().create_task(
                    self._poll(), name="prodready:health-metrics"
                )
            await send(message)

        try:
            await self.app(scope, receive_wrapper, send_wrapper)
        finally:
            await self._stop_poller()

    async def _stop_poller(self) -> None:
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller

    async def _poll(self) -> None:
        metrics = self.health_metrics
        if metrics is None:
            return
        seen: dict[str, object] = {}
        while True:
            for spec in self.runner.registry:
                result = self.runner.result(spec.name)
                marker = result.observed_at if result.observed_at is not None else _NOT_RUN
                if seen.get(spec.name) != marker:
                    seen[spec.name] = marker
                    metrics.observe(result)
            await asyncio.sleep(_HEALTH_METRICS_POLL_S)
