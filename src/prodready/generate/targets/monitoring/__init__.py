"""The ``monitoring`` target: Prometheus, alert rules, Grafana, and Prometheus Operator objects.

Writes, under ``deploy/monitoring/``:

- ``prometheus.yml``: scrapes every app replica (DNS discovery) and each backing service's
  exporter from the catalogue; loads ``rules/*.yml``.
- ``rules/<service>.yml``: SLI recording rules, multiwindow burn-rate alerts on the error and
  latency objectives, availability, dependency UNHEALTHY for 5 minutes, readiness flapping.
- ``grafana/provisioning/{datasources,dashboards}/…`` and ``grafana/dashboards/<service>.json``:
  the dashboard on the runtime's real metric names.
- ``kubernetes/``: a ServiceMonitor, a PrometheusRule (the same rules plus pod restarts from
  kube-state-metrics) and a kustomization to apply both.

Every PromQL expression uses only names from :mod:`prodready.metrics.names`, ``up``, the
``process_*`` collector names and (Kubernetes rules only) kube-state-metrics.
"""

from __future__ import annotations

import json

from prodready.generate._model import Target
from prodready.generate.targets.monitoring._compose import (
    GRAFANA_ADMIN_SECRET,
    compose_services,
    compose_volumes,
)
from prodready.generate.targets.monitoring._grafana import dashboard, dashboard_provider, datasource
from prodready.generate.targets.monitoring._kubernetes import (
    kustomization,
    prometheus_rule,
    service_monitor,
)
from prodready.generate.targets.monitoring._plan import MonitoringPlan, plan_from_spec
from prodready.generate.targets.monitoring._prometheus import RULES_DIR, prometheus_config
from prodready.generate.targets.monitoring._rules import Alert, alerts, app_rule_groups
from prodready.generate.targets.monitoring._yaml import dump
from prodready.spec import ServiceSpec

__all__ = [
    "GRAFANA_ADMIN_SECRET",
    "ROOT",
    "TARGET",
    "Alert",
    "MonitoringPlan",
    "alerts",
    "compose_services",
    "compose_volumes",
    "plan_from_spec",
    "render",
    "render_plan",
]

ROOT = "deploy/monitoring"


def render_plan(plan: MonitoringPlan) -> dict[str, str]:
    """Every monitoring file for ``plan``: relative path to text."""
    return {
        f"{ROOT}/prometheus.yml": dump(prometheus_config(plan)),
        f"{ROOT}/{RULES_DIR}/{plan.service}.yml": dump({"groups": app_rule_groups(plan)}),
        f"{ROOT}/grafana/provisioning/datasources/prometheus.yml": dump(datasource()),
        f"{ROOT}/grafana/provisioning/dashboards/{plan.service}.yml": dump(
            dashboard_provider(plan)
        ),
        f"{ROOT}/grafana/dashboards/{plan.service}.json": json.dumps(dashboard(plan), indent=2)
        + "\n",
        f"{ROOT}/kubernetes/servicemonitor.yaml": dump(service_monitor(plan)),
        f"{ROOT}/kubernetes/prometheusrule.yaml": dump(prometheus_rule(plan)),
        f"{ROOT}/kubernetes/kustomization.yaml": dump(kustomization()),
    }


def render(spec: ServiceSpec) -> dict[str, str]:
    """The target's pure render function."""
    return render_plan(plan_from_spec(spec))


TARGET = Target(
    name="monitoring",
    render=render,
    description="Prometheus scrape config and alert rules, Grafana dashboard, ServiceMonitor",
)
