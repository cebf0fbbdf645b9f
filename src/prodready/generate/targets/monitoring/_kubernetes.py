"""A ServiceMonitor and a PrometheusRule for clusters that run the Prometheus Operator.

The ServiceMonitor selects the app's Service by the same selector labels the Kubernetes target
puts on it (``app.kubernetes.io/name`` and ``component: web``) and scrapes its ``http`` port, so the
job label is the Service name — the job the alert rules filter on.
"""

from __future__ import annotations

from typing import Any

from prodready.generate.targets.monitoring._plan import SCRAPE_INTERVAL, MonitoringPlan
from prodready.generate.targets.monitoring._rules import kubernetes_rule_groups

__all__ = ["prometheus_rule", "service_monitor"]

_API = "monitoring.coreos.com/v1"
SERVICE_PORT_NAME = "http"


def _metadata(plan: MonitoringPlan, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "namespace": plan.namespace,
        "labels": {
            "app.kubernetes.io/name": plan.service,
            "app.kubernetes.io/component": "monitoring",
            "app.kubernetes.io/part-of": plan.service,
            "app.kubernetes.io/managed-by": "prodready",
        },
    }


def service_monitor(plan: MonitoringPlan) -> dict[str, Any]:
    """Scrape every ready pod behind the app's Service on its ``http`` port."""
    return {
        "apiVersion": _API,
        "kind": "ServiceMonitor",
        "metadata": _metadata(plan, plan.service),
        "spec": {
            "selector": {
                "matchLabels": {
                    "app.kubernetes.io/name": plan.service,
                    "app.kubernetes.io/component": "web",
                }
            },
            "namespaceSelector": {"matchNames": [plan.namespace]},
            "endpoints": [
                {
                    "port": SERVICE_PORT_NAME,
                    "path": plan.metrics_path,
                    "interval": SCRAPE_INTERVAL,
                    "scrapeTimeout": "10s",
                }
            ],
        },
    }


def prometheus_rule(plan: MonitoringPlan) -> dict[str, Any]:
    """The same rule groups as compose, plus the ones that need kube-state-metrics."""
    return {
        "apiVersion": _API,
        "kind": "PrometheusRule",
        "metadata": _metadata(plan, plan.service),
        "spec": {"groups": kubernetes_rule_groups(plan)},
    }


def kustomization() -> dict[str, Any]:
    """Lets ``kubectl apply -k deploy/monitoring/kubernetes`` install both objects."""
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": ["servicemonitor.yaml", "prometheusrule.yaml"],
    }
