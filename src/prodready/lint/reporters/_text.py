"""Human output: findings grouped by file, each with its line, rule, message and fix."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.markup import escape

from prodready.lint._engine import Report
from prodready.lint._model import Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render_text(report: Report, console: Console) -> None:
    """Print ``report`` to ``console``."""
    for path, items in groupby(report.findings, key=lambda f: f.location.path):
        console.print(f"[bold]{escape(path)}[/]")
        for f in items:
            line = str(f.location.line) if f.location.line else "-"
            style = _STYLE[f.severity]
            console.print(
                f"  {line:>5}  [{style}]{f.severity.label:<7}[/] [bold]{f.rule.id}[/] "
                f"{escape(f.message)}  [dim]({f.rule.slug})[/]"
            )
            console.print(f"         [dim]fix:[/] {escape(f.rule.fix)}")
        console.print()
    counts = dict.fromkeys(Severity, 0)
    for f in report.findings:
        counts[f.severity] += 1
    summary = ", ".join(f"{counts[s]} {s.label}" for s in sorted(Severity, reverse=True))
    tail = f"; {report.suppressed} suppressed" if report.suppressed else ""
    console.print(
        f"{len(report.findings)} finding(s) ({summary}) in {len(report.files)} file(s), "
        f"{len(report.rules)} rules{tail}"
    )
