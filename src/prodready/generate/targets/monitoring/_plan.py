"""What the monitoring builders need, as plain frozen data, and the one adapter from the spec.

The builders are pure functions of a :class:`MonitoringPlan`; :func:`plan_from_spec` is the only
place that reads the service spec and the backing-service catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prodready import _contract as contract
from prodready.catalog import Catalog, default_catalog
from prodready.generate.targets.kubernetes._workloads import CONTAINER as K8S_CONTAINER
from prodready.metrics._http import DEFAULT_BUCKETS
from prodready.spec import ServiceSpec

__all__ = [
    "COMPOSE_APP_SERVICE",
    "DEPENDENCY_UNHEALTHY_FOR",
    "MonitoringPlan",
    "ScrapeTarget",
    "Slo",
    "exporter_service_name",
    "plan_from_spec",
]

# A dependency must be UNHEALTHY this long before anyone is paged: one failed refresh is noise.
DEPENDENCY_UNHEALTHY_FOR = "5m"
# The compose service the compose target gives the app (its DNS name on the compose networks).
COMPOSE_APP_SERVICE = "app"
# Prometheus scrapes every target this often; dashboards' rate windows follow it.
SCRAPE_INTERVAL = "15s"


def exporter_service_name(dependency: str) -> str:
    """The compose service (and scrape job) of a backing service's companion exporter."""
    return f"{dependency}-exporter"


@dataclass(frozen=True)
class Slo:
    """Service-level objectives the burn-rate alerts defend.

    ``availability``: the share of requests answered without a 5xx. ``latency_target``: the share
    answered within ``latency_threshold_s``, which must be a bucket boundary of the runtime's
    request histogram (the SLI reads that bucket directly).
    """

    availability: float = 0.999
    latency_threshold_s: float = 0.5
    latency_target: float = 0.99


@dataclass(frozen=True)
class ScrapeTarget:
    """One scrape job besides the app: a backing service's exporter (or its own endpoint)."""

    job: str
    kind: str
    address: str
    path: str = contract.METRICS_PATH


@dataclass(frozen=True)
class MonitoringPlan:
    """Everything the monitoring target renders from.

    ``service`` is the scrape job of the app and the Kubernetes Service/namespace name, so alert
    rules written for compose work unchanged under the Prometheus Operator; ``app_host`` is the
    app's compose service (DNS name).
    ``unscraped_routes`` are the probe and metrics paths: they are left out of the SLIs, or a
    dependency outage (readiness answering 503) would count as user-facing errors.
    """

    service: str
    app_host: str
    port: int
    metrics_path: str
    namespace: str
    containers: tuple[str, ...]
    unscraped_routes: tuple[str, ...]
    exporters: tuple[ScrapeTarget, ...] = ()
    unmonitored: tuple[str, ...] = ()
    slo: Slo = field(default_factory=Slo)
    latency_buckets: tuple[float, ...] = DEFAULT_BUCKETS


def plan_from_spec(spec: ServiceSpec, *, catalog: Catalog | None = None) -> MonitoringPlan:
    """Derive the monitoring plan: app job, probe routes to exclude, one job per exporter."""
    cat = catalog if catalog is not None else default_catalog()
    exporters: list[ScrapeTarget] = []
    unmonitored: list[str] = []
    for name in sorted(spec.services):
        entry = cat.get(spec.services[name].kind)
        if entry.exporter is None:
            unmonitored.append(name)
            continue
        host = name if entry.exporter.image is None else exporter_service_name(name)
        exporters.append(
            ScrapeTarget(
                job=name,
                kind=entry.kind,
                address=f"{host}:{entry.exporter.port}",
                path=entry.exporter.path,
            )
        )
    routes = {
        contract.HEALTH_PATH,
        contract.COMPONENTS_PATH,
        spec.probes.liveness,
        spec.probes.readiness,
        spec.probes.startup,
        spec.metrics_path,
    }
    return MonitoringPlan(
        service=spec.name,
        app_host=COMPOSE_APP_SERVICE,
        port=spec.port,
        metrics_path=spec.metrics_path,
        namespace=spec.name,
        # Every Deployment of the Kubernetes target names its container the same.
        containers=(K8S_CONTAINER,),
        unscraped_routes=tuple(sorted(routes)),
        exporters=tuple(exporters),
        unmonitored=tuple(unmonitored),
    )
