"""HorizontalPodAutoscaler and PodDisruptionBudget for the web Deployment (prod overlay)."""

from __future__ import annotations

from . import _pod as pod
from ._plan import Autoscaling, Plan, Process
from ._yaml import Manifest


def hpa(plan: Plan, scaling: Autoscaling) -> Manifest:
    """autoscaling/v2 on CPU and memory utilisation, i.e. percentages of the container *requests*.

    The web container always sets requests (the builders refuse none), so the HPA has a
    denominator; without one the HPA reports ``missing request for cpu`` and never scales.
    """
    web = plan.web
    metrics = [
        {
            "type": "Resource",
            "resource": {
                "name": name,
                "target": {"type": "Utilization", "averageUtilization": percent},
            },
        }
        for name, percent in (("cpu", scaling.cpu_percent), ("memory", scaling.memory_percent))
    ]
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": pod.metadata(plan, plan.app, pod.component(web)),
        "spec": {
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": pod.workload_name(plan, web),
            },
            "minReplicas": scaling.min_replicas,
            "maxReplicas": scaling.max_replicas,
            "metrics": metrics,
            "behavior": {
                "scaleDown": {
                    "stabilizationWindowSeconds": 300,
                    "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}],
                }
            },
        },
    }


def pdb(plan: Plan, process: Process) -> Manifest:
    """At most one pod of ``process`` down by voluntary disruption (drains, upgrades).

    Only generated when at least two pods run: a PDB over a single pod blocks every node drain.
    ``AlwaysAllow`` lets a drain evict pods that are not ready anyway.
    """
    part = pod.component(process)
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": pod.metadata(plan, pod.workload_name(plan, process), part),
        "spec": {
            "maxUnavailable": 1,
            "unhealthyPodEvictionPolicy": "AlwaysAllow",
            "selector": {"matchLabels": pod.selector_labels(plan, part)},
        },
    }
