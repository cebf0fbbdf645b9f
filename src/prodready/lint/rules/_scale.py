"""Replica counts as the cluster will see them (explicit replicas or an HPA's minReplicas)."""

from __future__ import annotations

from prodready.lint.loaders import K8sGroup, Workload
from prodready.lint.loaders._yaml import as_dict


def min_replicas(group: K8sGroup, workload: Workload) -> int | None:
    """The smallest number of replicas ``workload`` runs; ``None`` for non-scalable kinds."""
    if workload.obj.kind not in {"Deployment", "StatefulSet", "ReplicaSet", "Rollout"}:
        return None
    for hpa in group.of_kind("HorizontalPodAutoscaler"):
        ref = as_dict(hpa.spec.get("scaleTargetRef"))
        if ref.get("kind") == workload.obj.kind and ref.get("name") == workload.obj.name:
            value = hpa.spec.get("minReplicas", 1)
            return value if isinstance(value, int) else 1
    replicas = workload.replicas
    return 1 if replicas is None else replicas
