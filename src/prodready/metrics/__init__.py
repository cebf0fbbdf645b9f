"""Prometheus metrics for ASGI services: request/WebSocket middleware, health metrics, ``/metrics``.

Nothing is registered at import: the metric families are created in the registry handed to
:class:`MetricsMiddleware`, :class:`HttpMetrics` or :class:`HealthMetrics` (prometheus_client's
global ``REGISTRY`` by default). Metric names live in :mod:`prodready.metrics._names`,
re-exported as ``names``.
"""

from __future__ import annotations

from prodready.metrics import _names as names
from prodready.metrics._exposition import make_metrics_app, render
from prodready.metrics._health import HealthMetrics
from prodready.metrics._http import ROUTE_SCOPE_KEY, HttpMetrics, MetricsMiddleware
from prodready.metrics._multiprocess import (
    compact_dead_workers,
    enable_multiprocess,
    multiprocess_dir,
)
from prodready.metrics._routes import RouteResolver

__all__ = [
    "ROUTE_SCOPE_KEY",
    "HealthMetrics",
    "HttpMetrics",
    "MetricsMiddleware",
    "RouteResolver",
    "compact_dead_workers",
    "enable_multiprocess",
    "make_metrics_app",
    "multiprocess_dir",
    "names",
    "render",
]
