"""The health domain, named once: statuses, a check's outcome, and the checker contract.

A checker is an async callable taking no arguments. It *succeeds* by returning ``None`` or a
mapping of details (versions, counts, sizes: safe-to-show facts), or it returns :class:`Degraded`
to say "working, but impaired"; it *fails* by raising. Timeouts, caching, thresholds and secret
scrubbing belong to the runner, never to the checker.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeAlias, runtime_checkable

__all__ = [
    "CheckFunction",
    "CheckResult",
    "Degraded",
    "DependencyCheck",
    "Details",
    "Reason",
    "Status",
]

Details: TypeAlias = Mapping[str, Any]


class Status(enum.StrEnum):
    """A component's or a report's health. HTTP: 200 for HEALTHY/DEGRADED, 503 otherwise."""

    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"
    UNKNOWN = "unknown"

    @property
    def is_available(self) -> bool:
        """True when a probe should answer 200: the component can serve traffic."""
        return self in (Status.HEALTHY, Status.DEGRADED)


class Reason(enum.StrEnum):
    """Why a result is not plainly HEALTHY; machine-readable, stable across versions."""

    TIMEOUT = "timeout"
    EXCEPTION = "exception"
    LATENCY = "latency"
    NOT_RUN_YET = "not-run-yet"
    EXPLICIT = "explicit"
    DRAINING = "draining"
    THRESHOLD = "threshold"
    NON_CRITICAL = "non-critical"


@dataclass(frozen=True, slots=True)
class Degraded:
    """Returned by a checker that works but is impaired (an Elasticsearch cluster is yellow)."""

    message: str
    details: Details = field(default_factory=dict)


CheckFunction: TypeAlias = Callable[[], Awaitable[Details | Degraded | None]]


@runtime_checkable
class DependencyCheck(Protocol):
    """A dependency checker object (PostgreSQL, Redis, …): a :data:`CheckFunction` with a kind.

    ``kind`` names the backing service (``"postgres"``), ``component_type`` the IETF health
    ``componentType`` (``"datastore"``, ``"component"``, ``"system"``). ``aclose`` releases the
    long-lived client the checker owns (never a client the application handed in).
    """

    kind: str
    component_type: str

    def __call__(self) -> Awaitable[Details | Degraded | None]: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's latest outcome, as cached and served by the runner.

    ``error`` is always scrubbed of credentials before it is stored here; ``details`` likewise.
    ``observed_at`` is ``None`` and ``reason`` is ``not-run-yet`` before the first run.
    """

    name: str
    status: Status
    latency_ms: float | None = None
    observed_at: datetime | None = None
    details: Details = field(default_factory=dict)
    error: str | None = None
    reason: Reason | None = None
    critical: bool = True
    component_type: str = "component"
