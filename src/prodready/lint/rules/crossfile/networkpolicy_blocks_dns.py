"""PR412: NetworkPolicies restrict a pod's egress without allowing DNS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import K8sObject, Project
from prodready.lint.loaders._yaml import as_list
from prodready.lint.rules._common import selects


def _restricts_egress(policy: K8sObject) -> bool:
    types = policy.spec.get("policyTypes")
    if isinstance(types, list):
        return "Egress" in types
    return "egress" in policy.spec


def _allows_dns(rule: Any) -> bool:
    if not isinstance(rule, dict):
        return False
    ports = rule.get("ports")
    port_ok = not ports or any(
        isinstance(p, dict) and str(p.get("port")) in {"None", "53", "dns", "dns-tcp"}
        for p in as_list(ports)
    )
    peers = rule.get("to")
    # DNS lives in kube-system: only peers that can reach another namespace (or anything) qualify.
    peer_ok = not peers or any(
        isinstance(p, dict) and ("namespaceSelector" in p or "ipBlock" in p) for p in as_list(peers)
    )
    return port_ok and peer_ok


def _selected(policy: K8sObject, labels: dict[str, str]) -> bool:
    selector = policy.spec.get("podSelector")
    return selector == {} or selector is None or selects(selector, labels)


def _check(project: Project) -> Iterator[Hit]:
    for group in project.groups:
        policies = [p for p in group.of_kind("NetworkPolicy") if _restricts_egress(p)]
        if not policies:
            continue
        for workload in group.workloads():
            ns = workload.obj.namespace
            mine = [
                p
                for p in policies
                if (p.namespace or ns) == (ns or p.namespace) and _selected(p, workload.pod_labels)
            ]
            if not mine:
                continue
            if any(_allows_dns(r) for p in mine for r in as_list(p.spec.get("egress"))):
                continue
            names = ", ".join(sorted(p.name for p in mine))
            yield Hit(
                f"{workload.obj.kind} '{workload.obj.name}': egress is restricted by {names} and "
                f"no "
                "rule allows port 53 to kube-dns, so every name lookup times out",
                mine[0].at("spec"),
            )


RULE = Rule(
    id="PR412",
    slug="networkpolicy-blocks-dns",
    layer=Layer.CROSSFILE,
    severity=Severity.ERROR,
    summary="The NetworkPolicies selecting a pod restrict egress but allow no DNS (port 53).",
    rationale=(
        "All connections by name fail (after a 5 s resolver timeout each), including to the "
        "Services the policy allows."
    ),
    fix=(
        "Add an egress rule to namespaceSelector kube-system (k8s-app: kube-dns) on UDP and TCP "
        "port 53."
    ),
    check=_check,
)
