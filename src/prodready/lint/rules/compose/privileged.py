"""PR204: a compose service runs privileged or with dangerous capabilities."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.loaders._yaml import as_list, loc

_DANGEROUS = {"ALL", "SYS_ADMIN", "CAP_SYS_ADMIN"}


def _check(project: Project) -> Iterator[Hit]:
    for compose in project.compose_files:
        for service in compose.services.values():
            if service.config.get("privileged") is True:
                yield Hit(
                    f"service '{service.name}' runs privileged", loc(service.node, "privileged")
                )
            caps = {str(c).upper() for c in as_list(service.config.get("cap_add"))}
            if caps & _DANGEROUS:
                yield Hit(
                    f"service '{service.name}' adds {', '.join(sorted(caps & _DANGEROUS))}",
                    loc(service.node, "cap_add"),
                )


RULE = Rule(
    id="PR204",
    slug="compose-privileged",
    layer=Layer.COMPOSE,
    severity=Severity.WARNING,
    summary="A compose service is privileged or adds ALL/SYS_ADMIN capabilities.",
    rationale=(
        "A privileged container can take over the host; an application service never needs it."
    ),
    fix="Remove 'privileged: true'; add only the specific capability the service needs.",
    check=_check,
)
