"""PR000: a file could not be read, parsed or rendered."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project


def _check(project: Project) -> Iterator[Hit]:
    for location, message in project.problems:
        yield Hit(message, location)


RULE = Rule(
    id="PR000",
    slug="input-error",
    layer=Layer.GENERAL,
    severity=Severity.ERROR,
    summary="A deployment file cannot be read, parsed or rendered.",
    rationale="Whatever cannot be parsed cannot be checked, and usually cannot be deployed either.",
    fix="Fix the syntax error at the reported line (or install kubectl to render kustomize).",
    check=_check,
)
