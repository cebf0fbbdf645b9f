"""PR002: a suppression without a reason (reported by the engine)."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project


def _check(project: Project) -> Iterator[Hit]:
    # The engine reports this rule while it collects suppressions.
    yield from ()


RULE = Rule(
    id="PR002",
    slug="suppression-without-reason",
    layer=Layer.GENERAL,
    severity=Severity.WARNING,
    summary="An inline or annotation suppression gives no reason.",
    rationale="A reason lets the next reader judge whether the exception still holds.",
    fix="Write the reason after the rule list: '# prodready: ignore[PR303] sized by the VPA'.",
    check=_check,
)
