"""PR411: a PodDisruptionBudget that allows no disruption at all."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._common import selects
from prodready.lint.rules._scale import min_replicas


def _blocks(pdb_spec: dict[str, object], replicas: int) -> str | None:
    max_unavailable = pdb_spec.get("maxUnavailable")
    if max_unavailable in (0, "0", "0%"):
        return "maxUnavailable is 0"
    min_available = pdb_spec.get("minAvailable")
    if min_available == "100%":
        return "minAvailable is 100%"
    if isinstance(min_available, int) and min_available >= replicas:
        return f"minAvailable {min_available} ≥ {replicas} replica(s)"
    return None


def _check(project: Project) -> Iterator[Hit]:
    for group in project.groups:
        for pdb in group.of_kind("PodDisruptionBudget"):
            for workload in group.workloads():
                if not selects(pdb.spec.get("selector"), workload.pod_labels):
                    continue
                replicas = min_replicas(group, workload)
                if replicas is None:
                    continue
                why = _blocks(pdb.spec, replicas)
                if why:
                    yield Hit(
                        f"PodDisruptionBudget '{pdb.name}' on {workload.obj.kind} "
                        f"'{workload.obj.name}': {why}, so no pod can ever be evicted",
                        pdb.at("spec"),
                    )


RULE = Rule(
    id="PR411",
    slug="pdb-blocks-drain",
    layer=Layer.CROSSFILE,
    severity=Severity.WARNING,
    summary=(
        "A PodDisruptionBudget allows zero evictions for its workload (e.g. minAvailable: 1 on one"
        " replica)."
    ),
    rationale=(
        "'kubectl drain' and node upgrades hang on these pods until someone deletes the PDB by "
        "hand."
    ),
    fix=(
        "Run at least two replicas with 'maxUnavailable: 1', or drop the PDB for single-replica "
        "workloads."
    ),
    check=_check,
)
