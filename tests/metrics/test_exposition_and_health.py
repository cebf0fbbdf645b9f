from __future__ import annotations

import gzip
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter

from prodready.health import CheckResult, Reason, Status
from prodready.metrics import HealthMetrics, make_metrics_app, names

Call = Callable[..., Awaitable[tuple[int, bytes]]]


async def _scrape(app: Any, *, method: str = "GET", headers: list[tuple[bytes, bytes]]) -> Any:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/metrics", "headers": headers}
    await app(scope, receive, send)
    return sent[0], b"".join(m.get("body", b"") for m in sent[1:])


async def test_metrics_endpoint_serves_the_registry_as_prometheus_text(
    registry: CollectorRegistry,
) -> None:
    Counter("jobs_total", "Jobs.", registry=registry).inc(3)
    start, body = await _scrape(make_metrics_app(registry), headers=[])
    assert start["status"] == 200
    assert dict(start["headers"])[b"content-type"].startswith(b"text/plain")
    assert b"jobs_total 3.0" in body


async def test_metrics_endpoint_gzips_large_bodies_when_accepted(
    registry: CollectorRegistry,
) -> None:
    for i in range(50):
        Counter(f"jobs_{i}_total", "Jobs of some kind.", registry=registry).inc()
    start, body = await _scrape(
        make_metrics_app(registry), headers=[(b"accept-encoding", b"gzip, deflate")]
    )
    assert dict(start["headers"])[b"content-encoding"] == b"gzip"
    assert b"jobs_49_total 1.0" in gzip.decompress(body)


async def test_metrics_endpoint_rejects_post_with_405(registry: CollectorRegistry) -> None:
    start, _ = await _scrape(make_metrics_app(registry), method="POST", headers=[])
    assert start["status"] == 405


def _result(status: Status, *, reason: Reason | None = None, latency_ms: float = 12.0) -> Any:
    return CheckResult(
        name="postgres",
        status=status,
        latency_ms=latency_ms,
        observed_at=datetime.now(UTC),
        reason=reason,
    )


def test_health_status_is_a_state_set_per_check(registry: CollectorRegistry) -> None:
    metrics = HealthMetrics(registry)
    metrics.observe(_result(Status.HEALTHY))
    metrics.observe(_result(Status.UNHEALTHY, reason=Reason.TIMEOUT))
    values = {
        status.value: registry.get_sample_value(
            names.HEALTH_CHECK_STATUS, {"check": "postgres", "status": status.value}
        )
        for status in Status
    }
    assert values == {"healthy": 0.0, "degraded": 0.0, "unhealthy": 1.0, "unknown": 0.0}


def test_health_failures_are_counted_by_reason_and_latency_observed(
    registry: CollectorRegistry,
) -> None:
    metrics = HealthMetrics(registry)
    metrics.observe(_result(Status.UNHEALTHY, reason=Reason.TIMEOUT, latency_ms=2000.0))
    metrics.observe(_result(Status.UNHEALTHY, reason=Reason.EXCEPTION))
    metrics.observe(_result(Status.HEALTHY))
    failures = names.HEALTH_CHECK_FAILURES_TOTAL
    assert registry.get_sample_value(failures, {"check": "postgres", "reason": "timeout"}) == 1
    assert registry.get_sample_value(failures, {"check": "postgres", "reason": "exception"}) == 1
    count = f"{names.HEALTH_CHECK_DURATION_SECONDS}_count"
    assert registry.get_sample_value(count, {"check": "postgres"}) == 3


def test_a_check_not_run_yet_only_sets_status_unknown(registry: CollectorRegistry) -> None:
    metrics = HealthMetrics(registry)
    metrics.observe(CheckResult(name="redis", status=Status.UNKNOWN, reason=Reason.NOT_RUN_YET))
    labels = {"check": "redis", "status": "unknown"}
    assert registry.get_sample_value(names.HEALTH_CHECK_STATUS, labels) == 1.0
    count = f"{names.HEALTH_CHECK_DURATION_SECONDS}_count"
    assert registry.get_sample_value(count, {"check": "redis"}) is None
