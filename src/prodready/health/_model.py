"""The health domain, named once: statuses, a check's outcome, and the checker contract.

A checker is an async callable taking no arguments. It *succeeds* by returning ``None`` or a
mapping of details (versions, counts, sizes: safe-to-show facts), or it returns :class:`Degraded`
to say "working, but impaired"; it *fails* by raising. Timeouts, caching, thresholds and secret
scrubbing belong to the runner, never to the checker.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeAlias, runtime_checkable

__all__ = [
    "CheckFunction",
    "CheckResult",
    "Degraded",
    "DependencyCheck",
    "Details",
    "HealthReport",
    "Reason",
    "Status",
    "aggregate",
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


# Worst first: one UNHEALTHY critical component makes the report UNHEALTHY, then UNKNOWN, …
_SEVERITY: dict[Status, int] = {
    Status.HEALTHY: 0,
    Status.DEGRADED: 1,
    Status.UNKNOWN: 2,
    Status.UNHEALTHY: 3,
}


def aggregate(results: Iterable[CheckResult]) -> Status:
    """The overall status of some results: the worst critical one; non-critical ones only degrade.

    UNHEALTHY beats UNKNOWN beats DEGRADED beats HEALTHY. A non-critical component that is not
    HEALTHY contributes DEGRADED, never more: an optional cache going down never fails readiness.
    No results at all is HEALTHY (nothing to wait for).
    """
    worst = Status.HEALTHY
    for result in results:
        status = result.status
        if not result.critical and status is not Status.HEALTHY:
            status = Status.DEGRADED
        if _SEVERITY[status] > _SEVERITY[worst]:
            worst = status
    return worst


@dataclass(frozen=True, slots=True)
class HealthReport:
    """A probe's answer: the overall status, when it was computed and the components behind it.

    ``draining`` is True once shutdown began (readiness then reports UNHEALTHY, reason
    ``draining``). ``excluded`` lists components left out of ``status`` on request
    (``?exclude=name``); they still appear in ``components``.
    """

    group: str
    status: Status
    timestamp: datetime
    components: Mapping[str, CheckResult]
    reason: Reason | None = None
    excluded: frozenset[str] = frozenset()
