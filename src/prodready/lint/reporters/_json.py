"""The JSON report. Its shape (version 1) is documented in README.md, section "Check"."""

from __future__ import annotations

from typing import Any

from prodready.lint._engine import Report
from prodready.lint._model import Severity

SCHEMA_VERSION = 1


def render_json(report: Report) -> dict[str, Any]:
    """The report as data: summary counts and one object per finding."""
    counts = {s.label: 0 for s in sorted(Severity, reverse=True)}
    for finding in report.findings:
        counts[finding.severity.label] += 1
    return {
        "version": SCHEMA_VERSION,
        "tool": "prodready check",
        "summary": {
            "files": len(report.files),
            "rules": len(report.rules),
            "findings": len(report.findings),
            "suppressed": report.suppressed,
            "by_severity": counts,
            "by_rule": dict(sorted(report.by_rule.items())),
        },
        "findings": [f.to_dict() for f in report.findings],
    }
