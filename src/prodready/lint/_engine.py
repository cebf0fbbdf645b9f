"""Run the catalogue over a loaded project and apply suppressions.

The engine owns everything rules should not repeat: attaching ID/severity/fix to each hit,
``--select``/``--ignore``, suppressions (and reporting unused ones as PR001, reason-less ones as
PR002), sorting, and containment: a rule that raises on an input it did not expect becomes a PR003
finding naming the rule, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from prodready.lint._model import Finding, Hit, Location, Rule, Severity
from prodready.lint._registry import RuleRegistry
from prodready.lint._suppress import collect
from prodready.lint.loaders import Project
from prodready.lint.rules.general import rule_failed

__all__ = ["Report", "run_rules", "selected_rules"]

INPUT_RULE = "PR000"
# Always reported, selected or not: a rule that crashed has checked nothing.
RULE_FAILED = rule_failed.RULE
UNUSED_RULE = "PR001"
REASONLESS_RULE = "PR002"


@dataclass
class Report:
    """The outcome of one run: findings (sorted by file, line, rule) and counts."""

    findings: list[Finding]
    files: list[str]
    rules: list[Rule]
    suppressed: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def failed(self, threshold: Severity) -> bool:
        return any(f.severity >= threshold for f in self.findings)


def _matches(rule: Rule, names: Iterable[str]) -> bool:
    for name in names:
        if rule.id == name or rule.slug == name or (len(name) < 5 and rule.id.startswith(name)):
            return True
    return False


def selected_rules(
    registry: RuleRegistry, select: Iterable[str] = (), ignore: Iterable[str] = ()
) -> list[Rule]:
    """Rules chosen by ``select`` (all when empty) minus ``ignore``; prefixes like ``PR3`` work."""
    chosen = list(select)
    dropped = list(ignore)
    return [r for r in registry if (not chosen or _matches(r, chosen)) and not _matches(r, dropped)]


def run_rules(
    project: Project,
    rules: list[Rule],
    *,
    per_file_ignores: dict[str, list[str]] | None = None,
    config_path: str = "pyproject.toml",
) -> Report:
    """Evaluate ``rules`` on ``project`` and return the report."""
    by_id = {r.id: r for r in rules}
    raw: list[Finding] = []
    for rule in rules:
        try:
            hits: list[Hit] = list(rule.check(project))
        except Exception as exc:  # a rule bug must not hide the other rules' findings
            raw.append(
                Finding(
                    RULE_FAILED,
                    f"rule {rule.id} ({rule.slug}) could not evaluate these files: "
                    f"{type(exc).__name__}: {exc}",
                    Location(project.files[0] if project.files else ".", 0),
                )
            )
            continue
        raw.extend(Finding(rule, h.message, h.location) for h in hits)
    suppressions = collect(project, per_file_ignores or {}, config_path)
    kept: list[Finding] = []
    suppressed = 0
    for finding in raw:
        covering = [s for s in suppressions if s.covers(finding)]
        if covering and finding.rule.id not in (INPUT_RULE, UNUSED_RULE):
            suppressed += 1
        else:
            kept.append(finding)
    for s in suppressions:
        if UNUSED_RULE in by_id:
            for name in sorted(s.rules - s.used):
                if name in by_id or any(r.slug == name for r in rules):
                    kept.append(
                        Finding(
                            by_id[UNUSED_RULE],
                            f"{s.kind} suppression of {name} silences nothing here",
                            s.location,
                        )
                    )
        if REASONLESS_RULE in by_id and s.kind != "config" and not s.reason:
            kept.append(
                Finding(
                    by_id[REASONLESS_RULE],
                    f"{s.kind} suppression of {', '.join(sorted(s.rules))} gives no reason",
                    s.location,
                )
            )
    unique = {(f.rule.id, f.location, f.message): f for f in kept}
    findings = sorted(unique.values(), key=lambda f: (f.location.path, f.location.line, f.rule.id))
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.rule.id] = counts.get(f.rule.id, 0) + 1
    return Report(findings, project.files, rules, suppressed, counts)
