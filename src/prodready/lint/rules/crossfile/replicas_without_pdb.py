"""PR410: several replicas and no PodDisruptionBudget."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._common import selects
from prodready.lint.rules._scale import min_replicas


def _check(project: Project) -> Iterator[Hit]:
    for group in project.groups:
        pdbs = group.of_kind("PodDisruptionBudget")
        for workload in group.workloads():
            replicas = min_replicas(group, workload)
            if replicas is None or replicas < 2:
                continue
            if any(selects(p.spec.get("selector"), workload.pod_labels) for p in pdbs):
                continue
            yield Hit(
                f"{workload.obj.kind} '{workload.obj.name}' runs {replicas} replicas but no "
                "PodDisruptionBudget covers them",
                workload.obj.at("spec", "replicas"),
            )


RULE = Rule(
    id="PR410",
    slug="replicas-without-pdb",
    layer=Layer.CROSSFILE,
    severity=Severity.WARNING,
    summary="A workload runs two or more replicas but no PodDisruptionBudget selects its pods.",
    rationale=(
        "A node drain or cluster upgrade may evict all replicas at once: the redundancy you pay "
        "for is not used."
    ),
    fix="Add a PodDisruptionBudget with 'maxUnavailable: 1' selecting the pod labels.",
    check=_check,
)
