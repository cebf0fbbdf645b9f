"""SARIF 2.1.0 for GitHub code scanning: rules from the catalogue, one result per finding."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from prodready._version import __version__
from prodready.lint._engine import Report
from prodready.lint._model import Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(report: Report) -> dict[str, Any]:
    """The report as a SARIF log with a single run."""
    rules = sorted(report.rules, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    driver_rules = [
        {
            "id": r.id,
            "name": r.slug,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.rationale},
            "help": {"text": r.fix, "markdown": f"**Why:** {r.rationale}\n\n**Fix:** {r.fix}"},
            "defaultConfiguration": {"level": _LEVEL[r.severity]},
            "properties": {"layer": r.layer.value},
        }
        for r in rules
    ]
    results = []
    for f in report.findings:
        physical: dict[str, Any] = {
            "artifactLocation": {"uri": PurePath(f.location.path).as_posix()}
        }
        if f.location.line > 0:
            physical["region"] = {"startLine": f.location.line}
        result: dict[str, Any] = {
            "ruleId": f.rule.id,
            "level": _LEVEL[f.severity],
            "message": {"text": f"{f.message}. Fix: {f.rule.fix}"},
            "locations": [{"physicalLocation": physical}],
        }
        if f.rule.id in index:
            result["ruleIndex"] = index[f.rule.id]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "prodready",
                        "version": __version__,
                        "informationUri": "https://github.com/prodready/prodready",
                        "rules": driver_rules,
                    }
                },
                "results": results,
            }
        ],
    }
