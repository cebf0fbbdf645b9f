"""PR201: compose depends_on that waits for start, not health."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project

_OK = {"service_healthy", "service_completed_successfully"}


def _check(project: Project) -> Iterator[Hit]:
    for compose in project.compose_files:
        for service in compose.services.values():
            for name, (condition, where) in service.depends_on().items():
                if condition in _OK:
                    continue
                target = compose.services.get(name)
                has_check = (
                    target is not None
                    and isinstance(target.config.get("healthcheck"), dict)
                    and not target.config["healthcheck"].get("disable")
                )
                advice = "" if has_check else f" ('{name}' has no healthcheck either)"
                yield Hit(
                    f"'{service.name}' starts as soon as '{name}' is started, not when it is "
                    f"ready{advice}",
                    where,
                )


RULE = Rule(
    id="PR201",
    slug="compose-depends-on-without-health",
    layer=Layer.COMPOSE,
    severity=Severity.WARNING,
    summary="A compose depends_on entry has no 'condition: service_healthy'.",
    rationale=(
        "Without a health condition compose only waits for the container to start: the app races "
        "the database's startup and crashes or serves errors on the first requests."
    ),
    fix=(
        "Give the dependency a healthcheck and write 'depends_on: {db: {condition: "
        "service_healthy}}'."
    ),
    check=_check,
)
