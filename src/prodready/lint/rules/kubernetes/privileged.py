"""PR304: privileged containers, privilege escalation, dangerous capabilities."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.loaders._yaml import as_list
from prodready.lint.rules._common import containers


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project, init=True):
        name = container.name
        if container.get("securityContext", "privileged") is True:
            yield Hit(
                f"container '{name}' is privileged", container.at("securityContext", "privileged")
            )
        if container.get("securityContext", "allowPrivilegeEscalation") is True:
            yield Hit(
                f"container '{name}' allows privilege escalation",
                container.at("securityContext", "allowPrivilegeEscalation"),
            )
        added = as_list(container.get("securityContext", "capabilities", "add"))
        bad = sorted(
            {str(c).upper() for c in added} & {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE"}
        )
        if bad:
            yield Hit(
                f"container '{name}' adds capabilities {', '.join(bad)}",
                container.at("securityContext", "capabilities"),
            )


RULE = Rule(
    id="PR304",
    slug="k8s-privileged",
    layer=Layer.KUBERNETES,
    severity=Severity.ERROR,
    summary=(
        "A container is privileged, allows privilege escalation or adds ALL/SYS_ADMIN-class "
        "capabilities."
    ),
    rationale=(
        "These settings give the container the node's kernel powers; an app container never needs "
        "them."
    ),
    fix="Remove them and set 'allowPrivilegeEscalation: false' and 'capabilities: {drop: [ALL]}'.",
    check=_check,
)
