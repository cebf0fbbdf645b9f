"""PR003: a rule failed on input it did not expect (reported by the engine)."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project


def _check(project: Project) -> Iterator[Hit]:
    # The engine reports this rule when another rule raises; the other rules still run.
    yield from ()


RULE = Rule(
    id="PR003",
    slug="rule-failed",
    layer=Layer.GENERAL,
    severity=Severity.ERROR,
    summary="A rule raised an error on these files instead of judging them (a prodready bug).",
    rationale="The files were not checked by that rule, so a real problem may be hidden.",
    fix="Report the message and the file to prodready; meanwhile skip the rule with --ignore.",
    check=_check,
)
