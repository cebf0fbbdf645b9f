"""The verification report: built as data, rendered as a rich table or dumped as JSON."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from prodready.verify._drill import Step

__all__ = ["report_data", "report_table", "step_line"]


def report_data(service: str, steps: Sequence[Step]) -> dict[str, object]:
    """The documented JSON shape: ``{"service", "passed", "steps": [{name, passed, seconds,
    limit_seconds, detail}]}``."""
    return {
        "service": service,
        "passed": bool(steps) and all(s.passed for s in steps),
        "steps": [s.to_dict() for s in steps],
    }


def step_line(step: Step) -> str:
    """One line of live progress for a finished step (rich markup)."""
    mark = "[green]✓[/]" if step.passed else "[red]✗[/]"
    limit = f" (limit {step.limit_s:g} s)" if step.limit_s is not None else ""
    return f"{mark} {step.name} in {step.seconds:.2f} s{limit}"


def report_table(service: str, steps: Sequence[Step]) -> Table:
    passed = bool(steps) and all(s.passed for s in steps)
    table = Table(
        title=f"prodready verify: {service} — {'PASSED' if passed else 'FAILED'}",
        title_style="bold green" if passed else "bold red",
    )
    table.add_column("step")
    table.add_column("result")
    table.add_column("seconds", justify="right")
    table.add_column("limit", justify="right")
    table.add_column("observed")
    for step in steps:
        table.add_row(
            step.name,
            "[green]pass[/]" if step.passed else "[red]FAIL[/]",
            f"{step.seconds:.2f}",
            "" if step.limit_s is None else f"{step.limit_s:g}",
            step.detail,
        )
    return table
