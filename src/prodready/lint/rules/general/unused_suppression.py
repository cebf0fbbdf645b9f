"""PR001: a suppression silences nothing (reported by the engine)."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project


def _check(project: Project) -> Iterator[Hit]:
    # The engine reports this rule once suppressions have been matched against findings.
    yield from ()


RULE = Rule(
    id="PR001",
    slug="unused-suppression",
    layer=Layer.GENERAL,
    severity=Severity.WARNING,
    summary="A suppression comment, annotation or config entry silences no finding.",
    rationale="Stale suppressions hide the next real problem at that place and mislead readers.",
    fix="Delete the suppression (or correct the rule ID it names).",
    check=_check,
)
