"""Iteration helpers shared by rules (no rule logic here)."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint.loaders import Container, Dockerfile, K8sGroup, Project, Workload
from prodready.lint.loaders._yaml import as_dict, as_list

__all__ = ["containers", "dockerfile_of", "selects", "workloads"]


def workloads(project: Project) -> Iterator[tuple[K8sGroup, Workload]]:
    for group in project.groups:
        for workload in group.workloads():
            yield group, workload


def containers(project: Project, *, init: bool = False) -> Iterator[tuple[K8sGroup, Container]]:
    for group, workload in workloads(project):
        for container in workload.containers(init=init):
            yield group, container


def dockerfile_of(project: Project, container: Container) -> Dockerfile | None:
    """The Dockerfile that builds the container's image, when the run includes it."""
    if not container.image:
        return None
    return project.dockerfile_for_image(container.image, near=container.at().path)


def selects(selector: object, labels: dict[str, str]) -> bool:
    """Whether a label selector (``matchLabels``/``matchExpressions`` or a plain map) matches.

    An empty or missing selector selects nothing here (callers treat it specially).
    """
    if not isinstance(selector, dict) or not selector:
        return False
    if "matchLabels" in selector or "matchExpressions" in selector:
        match = as_dict(selector.get("matchLabels"))
        exprs = as_list(selector.get("matchExpressions"))
    else:
        match, exprs = selector, []
    if any(labels.get(str(k)) != str(v) for k, v in match.items()):
        return False
    for expr in exprs:
        if not isinstance(expr, dict):
            return False
        key, op = str(expr.get("key")), expr.get("operator")
        values = [str(v) for v in as_list(expr.get("values"))]
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return bool(match) or bool(exprs)
