"""PR409: an HPA scales on utilization of a resource the containers do not request."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import K8sObject, Project
from prodready.lint.loaders._yaml import as_dict, as_list


def utilization_resources(hpa: K8sObject) -> set[str]:
    """Resources (cpu, memory) whose *utilization* the HPA targets, across API versions."""
    spec = hpa.spec
    found: set[str] = set()
    if spec.get("targetCPUUtilizationPercentage") is not None:
        found.add("cpu")
    for metric in as_list(spec.get("metrics")):
        if not isinstance(metric, dict) or str(metric.get("type")) not in {
            "Resource",
            "ContainerResource",
        }:
            continue
        res = as_dict(metric.get("resource") or metric.get("containerResource"))
        target = as_dict(res.get("target"))
        if target.get("type") == "Utilization" or "targetAverageUtilization" in res:
            found.add(str(res.get("name")))
    return found


def _check(project: Project) -> Iterator[Hit]:
    for group in project.groups:
        for hpa in group.of_kind("HorizontalPodAutoscaler"):
            ref = as_dict(hpa.spec.get("scaleTargetRef"))
            target = group.find(str(ref.get("kind")), str(ref.get("name")), hpa.namespace)
            if target is None:
                continue
            workload = next((w for w in group.workloads() if w.obj is target), None)
            if workload is None:
                continue
            for resource in sorted(utilization_resources(hpa)):
                lacking = [
                    c.name
                    for c in workload.containers()
                    if c.get("resources", "requests", resource) is None
                ]
                if lacking:
                    yield Hit(
                        f"HPA '{hpa.name}' scales {target.kind} '{target.name}' on {resource} "
                        f"utilization, "
                        f"but container(s) {', '.join(lacking)} request no {resource}",
                        hpa.at("spec"),
                    )


RULE = Rule(
    id="PR409",
    slug="hpa-utilization-without-requests",
    layer=Layer.CROSSFILE,
    severity=Severity.ERROR,
    summary=(
        "An HPA targets cpu/memory Utilization but the target's containers set no request for it."
    ),
    rationale=(
        "Utilization is usage divided by request: without a request the HPA reports 'missing "
        "request' and never scales."
    ),
    fix="Set resources.requests for that resource on every container of the target workload.",
    check=_check,
)
