"""Health checks for ASGI services: liveness, readiness and startup probes served from a cache.

Three pieces, each an instance you create and pass on (nothing registers at import)::

    from prodready.health import HealthApp, HealthRegistry, HealthRunner

    registry = HealthRegistry()
    registry.add("postgres", check_postgres)            # async def check_postgres() -> ...
    runner = HealthRunner(registry)                     # background refresh, timeouts, cache
    app.mount("/health", HealthApp(runner))             # or: app = HealthApp(runner, app=app)

Public API (everything else under ``prodready.health`` is private).
"""

from __future__ import annotations

from prodready.health._asgi import HealthApp
from prodready.health._model import (
    CheckFunction,
    CheckResult,
    Degraded,
    DependencyCheck,
    Details,
    HealthReport,
    Reason,
    Status,
    aggregate,
)
from prodready.health._registry import CheckSpec, HealthRegistry
from prodready.health._runner import HealthRunner

__all__ = [
    "CheckFunction",
    "CheckResult",
    "CheckSpec",
    "Degraded",
    "DependencyCheck",
    "Details",
    "HealthApp",
    "HealthRegistry",
    "HealthReport",
    "HealthRunner",
    "Reason",
    "Status",
    "aggregate",
]
