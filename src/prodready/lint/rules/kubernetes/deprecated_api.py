"""PR308: an apiVersion that is deprecated or removed in the target Kubernetes version."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project

# (apiVersion, kind or "*") → (removed in, replacement); from the Kubernetes deprecation guide.
REMOVED: dict[tuple[str, str], tuple[str, str]] = {
    ("extensions/v1beta1", "Deployment"): ("1.16", "apps/v1"),
    ("extensions/v1beta1", "DaemonSet"): ("1.16", "apps/v1"),
    ("extensions/v1beta1", "ReplicaSet"): ("1.16", "apps/v1"),
    ("extensions/v1beta1", "NetworkPolicy"): ("1.16", "networking.k8s.io/v1"),
    ("extensions/v1beta1", "PodSecurityPolicy"): ("1.16", "(removed: use Pod Security Admission)"),
    ("extensions/v1beta1", "Ingress"): ("1.22", "networking.k8s.io/v1"),
    ("apps/v1beta1", "*"): ("1.16", "apps/v1"),
    ("apps/v1beta2", "*"): ("1.16", "apps/v1"),
    ("networking.k8s.io/v1beta1", "Ingress"): ("1.22", "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "IngressClass"): ("1.22", "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "*"): ("1.22", "rbac.authorization.k8s.io/v1"),
    ("apiextensions.k8s.io/v1beta1", "*"): ("1.22", "apiextensions.k8s.io/v1"),
    ("admissionregistration.k8s.io/v1beta1", "*"): ("1.22", "admissionregistration.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", "*"): ("1.22", "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIDriver"): ("1.22", "storage.k8s.io/v1"),
    ("batch/v1beta1", "CronJob"): ("1.25", "batch/v1"),
    ("policy/v1beta1", "PodDisruptionBudget"): ("1.25", "policy/v1"),
    ("policy/v1beta1", "PodSecurityPolicy"): ("1.25", "(removed: use Pod Security Admission)"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice"): ("1.25", "discovery.k8s.io/v1"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): ("1.25", "autoscaling/v2"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): ("1.26", "autoscaling/v2"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "*"): ("1.26", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "*"): ("1.29", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "*"): ("1.32", "flowcontrol.apiserver.k8s.io/v1"),
}


def _version(text: str) -> tuple[int, int]:
    major, _, minor = text.lstrip("v").partition(".")
    return int(major), int(minor.split(".")[0] or 0)


def _check(project: Project) -> Iterator[Hit]:
    target = _version(project.kubernetes_version)
    for group in project.groups:
        for obj in group.objects:
            entry = REMOVED.get((obj.api_version, obj.kind)) or REMOVED.get((obj.api_version, "*"))
            if entry is None:
                continue
            removed, replacement = entry
            state = (
                "was removed"
                if target >= _version(removed)
                else "is deprecated and will be removed"
            )
            yield Hit(
                f"{obj.kind} '{obj.name}' uses {obj.api_version}, which {state} in Kubernetes "
                f"{removed}; use {replacement}",
                obj.at("apiVersion"),
            )


RULE = Rule(
    id="PR308",
    slug="k8s-deprecated-api",
    layer=Layer.KUBERNETES,
    severity=Severity.ERROR,
    summary=(
        "An object uses an apiVersion that is deprecated or removed in the target Kubernetes "
        "version."
    ),
    rationale=(
        "The API server of the target version refuses the object: the deploy fails at apply time, "
        "or at the next cluster upgrade."
    ),
    fix=(
        "Move the object to the replacement apiVersion named in the message (check renamed fields "
        "too)."
    ),
    check=_check,
)
