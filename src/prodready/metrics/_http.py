"""HTTP and WebSocket request metrics as a pure ASGI middleware.

Pure ASGI, never ``BaseHTTPMiddleware``: the request is not wrapped in a ``Request`` object and no
extra task is spawned, so the cost per request is a few dictionary lookups and metric updates.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
import weakref
from bisect import bisect_left
from collections.abc import Awaitable
from typing import Any, Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from prodready.metrics import _names as n
from prodready.metrics._routes import RouteResolver
from prodready.metrics._types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ROUTE_SCOPE_KEY", "HttpMetrics", "MetricsMiddleware", "flush_all"]

# The middleware leaves the resolved route template here, for the access log to reuse.
ROUTE_SCOPE_KEY: Final = "prodready.route"

_METHODS: Final = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"}
)
# Seconds; Prometheus' defaults, fine for web requests from 5 ms to 10 s.
DEFAULT_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# A client that went away before any response was sent (nginx' convention).
_CLIENT_CLOSED: Final = "499"
# str(status) without formatting an int per request.
_STATUS_LABELS: Final = {code: str(code) for code in range(100, 600)}
perf_counter: Final = time.perf_counter

_by_registry: weakref.WeakKeyDictionary[CollectorRegistry, HttpMetrics] = (
    weakref.WeakKeyDictionary()
)
_by_registry_lock = threading.Lock()


class HttpMetrics:
    """The HTTP and WebSocket metric families, registered in one registry.

    Use :meth:`for_registry` to share one set per registry (a second registration of the same
    names would be rejected by prometheus_client). Gauges sum over live workers in multiprocess
    mode.

    The request hot path does not touch prometheus_client: :meth:`request_started`,
    :meth:`request_finished` and :meth:`observe` add to plain per-label tallies (they run on the
    event loop's thread), and :meth:`flush` moves the tallies into the metric families in one
    batch. A flush happens before every collection of the registry (a scrape, or
    ``get_sample_value``), within ``FLUSH_DELAY_S`` of the first unflushed request (so other
    workers' files are current in multiprocess mode), and at lifespan shutdown; at most
    ``FLUSH_DELAY_S`` of requests are lost if the process is killed outright.
    """

    FLUSH_DELAY_S: Final = 0.5

    def __init__(
        self,
        registry: CollectorRegistry,
        *,
        buckets: tuple[float, ...] = DEFAULT_BUCKETS,
    ) -> None:
        # Registered first, so collecting the registry flushes before the families are read.
        registry.register(_Flusher(self))
        labels = (n.LABEL_METHOD, n.LABEL_ROUTE, n.LABEL_STATUS)
        self.requests = Counter(
            n.HTTP_REQUESTS_TOTAL,
            "HTTP requests finished, by method, route template and status code.",
            labels,
            registry=registry,
        )
        self.duration = Histogram(
            n.HTTP_REQUEST_DURATION_SECONDS,
            "Time from a request's arrival to its last response byte, in seconds.",
            labels,
            buckets=buckets,
            registry=registry,
        )
        self.in_progress = Gauge(
            n.HTTP_REQUESTS_IN_PROGRESS,
            "HTTP requests being served now.",
            (n.LABEL_METHOD,),
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.exceptions = Counter(
            n.HTTP_REQUEST_EXCEPTIONS_TOTAL,
            "Unhandled exceptions raised while serving a request, by exception class.",
            (n.LABEL_METHOD, n.LABEL_ROUTE, n.LABEL_EXCEPTION),
            registry=registry,
        )
        self.ws_active = Gauge(
            n.WEBSOCKET_CONNECTIONS_ACTIVE,
            "Accepted WebSocket connections open now.",
            (n.LABEL_ROUTE,),
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.ws_total = Counter(
            n.WEBSOCKET_CONNECTIONS_TOTAL,
            "WebSocket connections accepted.",
            (n.LABEL_ROUTE,),
            registry=registry,
        )
        # The upper bounds prometheus_client uses (with +Inf), to pick a bucket by bisection.
        self._bounds: list[float] = [*sorted(buckets), math.inf]
        # (method, route, status) -> [count, sum of seconds, count per bucket]
        self._tallies: dict[tuple[str, str, str], list[Any]] = {}
        self._active: dict[str, int] = {}
        self._active_dirty = False
        self._children: dict[tuple[str, str, str], tuple[Any, Any]] = {}
        self._flush_loop: asyncio.AbstractEventLoop | None = None  # where a flush is due
        self._flush_lock = threading.Lock()
        _instances.add(self)

    @classmethod
    def for_registry(cls, registry: CollectorRegistry) -> HttpMetrics:
        """The one metric set of ``registry``, created on first use."""
        with _by_registry_lock:
            metrics = _by_registry.get(registry)
            if metrics is None:
                metrics = _by_registry[registry] = cls(registry)
            return metrics

    def request_started(self, method: str) -> None:
        """One more request of ``method`` in progress."""
        self._active[method] = self._active.get(method, 0) + 1
        self._active_dirty = True

    def request_finished(self, method: str) -> None:
        """One request of ``method`` fewer in progress."""
        self._active[method] -= 1
        self._active_dirty = True

    def observe(self, method: str, route: str, status: str, seconds: float) -> None:
        """Count one finished request and record its duration."""
        key = (method, route, status)
        tally = self._tallies.get(key)
        if tally is None:
            tally = self._tallies[key] = [0, 0.0, [0] * len(self._bounds)]
        tally[0] += 1
        tally[1] += seconds
        tally[2][bisect_left(self._bounds, seconds)] += 1
        pending = self._flush_loop
        if pending is None or pending.is_closed():  # a closed loop never ran its timer
            self._schedule_flush()

    def _schedule_flush(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()  # no event loop (a script, a test): nothing would flush later
            return
        self._flush_loop = loop
        loop.call_later(self.FLUSH_DELAY_S, self.flush)

    def flush(self) -> None:
        """Move the tallies into the metric families (see the class docstring)."""
        with self._flush_lock:
            self._flush_loop = None
            tallies, self._tallies = self._tallies, {}
            for key, (count, total, buckets) in tallies.items():
                children = self._children.get(key)
                if children is None:
                    children = self._children[key] = (
                        self.requests.labels(*key),
                        self.duration.labels(*key),
                    )
                counter, histogram = children
                counter.inc(count)
                # Histogram.observe() takes one value; a batch goes straight to its buckets.
                histogram._sum.inc(total)
                for index, hits in enumerate(buckets):
                    if hits:
                        histogram._buckets[index].inc(hits)
            if self._active_dirty:
                self._active_dirty = False
                for method, active in list(self._active.items()):
                    self.in_progress.labels(method).set(active)


class _Flusher:
    """A collector that yields nothing but flushes its metrics before a registry is read."""

    def __init__(self, metrics: HttpMetrics) -> None:
        self._metrics = weakref.ref(metrics)

    def describe(self) -> list[Any]:
        return []

    def collect(self) -> list[Any]:
        metrics = self._metrics()
        if metrics is not None:
            metrics.flush()
        return []


_instances: weakref.WeakSet[HttpMetrics] = weakref.WeakSet()


def flush_all() -> None:
    """Flush every live :class:`HttpMetrics` of this process (before a multiprocess scrape)."""
    for metrics in list(_instances):
        metrics.flush()


class MetricsMiddleware:
    """Records :class:`HttpMetrics` for every HTTP request and WebSocket connection.

    Labels: the method (non-standard ones collapse into ``OTHER``), the route *template*
    (mounted sub-applications included; unmatched paths collapse into ``__unmatched__``) and the
    status code. The duration runs to the last body byte sent (background tasks that run after
    the response are not included). An exception that escapes the application before a response
    started counts as 500 and in ``http_request_exceptions_total``; it is re-raised unchanged.
    WebSocket connections count once accepted. ``registry`` defaults to prometheus_client's
    global one; ``routes_app`` is the application whose routes name the templates (default:
    ``app``). Counts reach the registry in batches (see :class:`HttpMetrics`); the lifespan's
    shutdown flushes the last ones.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        registry: CollectorRegistry | None = None,
        metrics: HttpMetrics | None = None,
        routes_app: ASGIApp | None = None,
    ) -> None:
        if metrics is None:
            if registry is None:
                from prometheus_client import REGISTRY

                registry = REGISTRY
            metrics = HttpMetrics.for_registry(registry)
        self.app = app
        self.metrics = metrics
        self.resolver = RouteResolver(routes_app if routes_app is not None else app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http":
            if kind == "websocket":
                await self._websocket(scope, receive, send)
            elif kind == "lifespan":
                await self._lifespan(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        # The HTTP path is inlined here (no extra coroutine per request); it is the hot path.
        method = scope["method"]
        if method not in _METHODS:
            method = n.OTHER_METHOD
        root_path = scope.get("root_path", "")
        status = 0
        end = 0.0
        exception: str | None = None

        # Not a coroutine function: it hands back ``send``'s awaitable (one coroutine fewer per
        # message); the caller awaits it as it would any ``send``.
        def send_status(message: Message) -> Awaitable[None]:
            nonlocal status, end
            kind = message["type"]
            if kind == "http.response.body":
                if not message.get("more_body", False):
                    end = perf_counter()
            elif kind == "http.response.start":
                status = message["status"]
            return send(message)

        metrics = self.metrics
        active = metrics._active
        active[method] = active.get(method, 0) + 1
        metrics._active_dirty = True
        start = perf_counter()
        try:
            await self.app(scope, receive, send_status)
        except Exception as exc:
            exception = type(exc).__name__
            raise
        finally:
            elapsed = (end or perf_counter()) - start
            active[method] -= 1
            metrics._active_dirty = True
            resolver = self.resolver
            route = resolver._fast.get(id(scope.get("route")))  # resolve()'s common case
            if route is None:
                route = resolver.resolve(scope, root_path)
            scope[ROUTE_SCOPE_KEY] = route
            if status:
                label = _STATUS_LABELS.get(status) or str(status)
            elif exception is not None:
                label = "500"
            else:
                label = _CLIENT_CLOSED
            # metrics.observe(method, route, label, elapsed), inlined
            key = (method, route, label)
            tally = metrics._tallies.get(key)
            if tally is None:
                metrics.observe(method, route, label, elapsed)
            else:
                tally[0] += 1
                tally[1] += elapsed
                tally[2][bisect_left(metrics._bounds, elapsed)] += 1
                pending = metrics._flush_loop
                if pending is None or pending.is_closed():
                    metrics._schedule_flush()
            if exception is not None:
                metrics.exceptions.labels(method, route, exception).inc()

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_flushing(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                self.metrics.flush()  # the last requests of a stopping worker still count
            await send(message)

        await self.app(scope, receive, send_flushing)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        root_path = scope.get("root_path", "")
        accepted: str | None = None

        async def send_accept(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept" and accepted is None:
                accepted = self.resolver.resolve(scope, root_path)
                self.metrics.ws_total.labels(accepted).inc()
                self.metrics.ws_active.labels(accepted).inc()
            await send(message)

        try:
            await self.app(scope, receive, send_accept)
        finally:
            if accepted is not None:
                self.metrics.ws_active.labels(accepted).dec()
