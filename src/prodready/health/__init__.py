"""Health checks for ASGI services: liveness, readiness and startup probes served from a cache.

Public API (everything else under ``prodready.health`` is private).
"""

from __future__ import annotations

from prodready.health._model import (
    CheckFunction,
    CheckResult,
    Degraded,
    DependencyCheck,
    Details,
    Reason,
    Status,
)

__all__ = [
    "CheckFunction",
    "CheckResult",
    "Degraded",
    "DependencyCheck",
    "Details",
    "Reason",
    "Status",
]
