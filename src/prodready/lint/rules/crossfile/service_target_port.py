"""PR405: a Service targetPort that the selected containers do not declare."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.loaders._yaml import as_list
from prodready.lint.rules._common import selects


def _check(project: Project) -> Iterator[Hit]:
    for group in project.groups:
        workloads = group.workloads()
        for svc in group.of_kind("Service"):
            selector = svc.spec.get("selector")
            matched = [w for w in workloads if selects(selector, w.pod_labels)]
            if not matched:
                continue
            ports: dict[int | str, int] = {}
            for w in matched:
                for c in w.containers():
                    ports.update(c.ports())
            for i, port in enumerate(as_list(svc.spec.get("ports"))):
                if not isinstance(port, dict):
                    continue
                target = port.get("targetPort", port.get("port"))
                if isinstance(target, str) and not target.isdigit():
                    if target not in ports:
                        yield Hit(
                            f"Service '{svc.name}' targetPort '{target}' names no containerPort "
                            f"of the pods it selects",
                            svc.at("spec", "ports", i),
                        )
                elif isinstance(target, int | str) and ports and int(target) not in ports:
                    declared = ", ".join(
                        str(p) for p in sorted(p for p in ports if isinstance(p, int))
                    )
                    yield Hit(
                        f"Service '{svc.name}' sends traffic to port {target}, but its pods "
                        f"declare {declared}",
                        svc.at("spec", "ports", i),
                    )


RULE = Rule(
    id="PR405",
    slug="service-target-port-mismatch",
    layer=Layer.CROSSFILE,
    severity=Severity.ERROR,
    summary="A Service targetPort is not a containerPort (number or name) of the pods it selects.",
    rationale=(
        "Traffic reaches the pod on a port nobody listens on: connections are refused although the"
        " pods are Ready."
    ),
    fix="Set targetPort to the container port's name (e.g. 'http') or its number.",
    check=_check,
)
