"""Health-check metrics, fed from the health runner's results (one call per finished run)."""

from __future__ import annotations

import threading
import weakref

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from prodready.health._model import CheckResult, Reason, Status
from prodready.metrics import _names as n

__all__ = ["HealthMetrics"]

# Seconds; checks are cut off at the runner's timeout (2 s by default), so finer low buckets.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)

_by_registry: weakref.WeakKeyDictionary[CollectorRegistry, HealthMetrics] = (
    weakref.WeakKeyDictionary()
)
_by_registry_lock = threading.Lock()


class HealthMetrics:
    """``health_check_status``, ``health_check_duration_seconds``, ``health_check_failures_total``.

    :meth:`observe` takes one :class:`~prodready.health.CheckResult` per completed run: the
    status gauge is a state set (1 for the current status, 0 for the others), the histogram gets
    the run's latency, and a failed run (UNHEALTHY, or a failure the thresholds held back) counts
    one failure with its reason. A result that was
    never run (``not-run-yet``) only sets the status. In multiprocess mode the status shown is the
    most recent one written by any live worker.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self.status = Gauge(
            n.HEALTH_CHECK_STATUS,
            "Current status of each health check (1 for the current status, else 0).",
            (n.LABEL_CHECK, n.LABEL_STATUS),
            multiprocess_mode="livemostrecent",
            registry=registry,
        )
        self.duration = Histogram(
            n.HEALTH_CHECK_DURATION_SECONDS,
            "Time each health check run took, in seconds.",
            (n.LABEL_CHECK,),
            buckets=_BUCKETS,
            registry=registry,
        )
        self.failures = Counter(
            n.HEALTH_CHECK_FAILURES_TOTAL,
            "Health check runs that ended unhealthy, by reason.",
            (n.LABEL_CHECK, n.LABEL_REASON),
            registry=registry,
        )

    @classmethod
    def for_registry(cls, registry: CollectorRegistry) -> HealthMetrics:
        """The one health metric set of ``registry``, created on first use."""
        with _by_registry_lock:
            metrics = _by_registry.get(registry)
            if metrics is None:
                metrics = _by_registry[registry] = cls(registry)
            return metrics

    def observe(self, result: CheckResult) -> None:
        """Record one check result (call once per completed run, not per probe served)."""
        for status in Status:
            self.status.labels(result.name, status.value).set(
                1.0 if status is result.status else 0.0
            )
        if result.reason is Reason.NOT_RUN_YET:
            return
        if result.latency_ms is not None:
            self.duration.labels(result.name).observe(result.latency_ms / 1000.0)
        if _failed(result):
            reason = result.reason.value if result.reason is not None else Reason.EXCEPTION.value
            self.failures.labels(result.name, reason).inc()


def _failed(result: CheckResult) -> bool:
    """Did this run fail? The runner's thresholds can hide it: a failure it suppresses keeps the
    previous (available) status with reason ``threshold``, and a success while recovering stays
    UNHEALTHY with reason ``threshold``."""
    if result.reason is Reason.THRESHOLD:
        return result.status.is_available
    return result.status is Status.UNHEALTHY
