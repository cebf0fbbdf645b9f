"""PR303: a container without CPU/memory requests or a memory limit."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._common import containers


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project):
        missing = []
        for section, key in (("requests", "cpu"), ("requests", "memory"), ("limits", "memory")):
            if container.get("resources", section, key) is None:
                missing.append(f"{section}.{key}")
        if missing:
            where = container.at("resources") if container.get("resources") else container.at()
            yield Hit(f"container '{container.name}' has no {', '.join(missing)}", where)


RULE = Rule(
    id="PR303",
    slug="k8s-missing-resources",
    layer=Layer.KUBERNETES,
    severity=Severity.WARNING,
    summary="A container sets no CPU/memory requests or no memory limit.",
    rationale=(
        "Without requests the scheduler packs pods blindly and HPA cannot compute utilization; "
        "without a memory limit one leak takes the node's memory. A CPU limit is not required."
    ),
    fix="Set resources.requests.cpu, resources.requests.memory and resources.limits.memory.",
    check=_check,
)
