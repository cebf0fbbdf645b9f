"""``prodready check``: a linter for deployment files, strongest where files meet.

Public surface::

    from prodready.lint import check, default_registry
    report = check([Path(".")])          # loads, runs every rule, applies suppressions
    for finding in report.findings: ...

Rules are catalogue entries (:class:`Rule`) in a :class:`RuleRegistry` instance; third-party rules
plug in through the ``prodready.rules`` entry-point group. Reporters render a :class:`Report` as
text, JSON, SARIF 2.1.0 or (for the catalogue) Markdown.
"""

from __future__ import annotations

from pathlib import Path

from prodready.lint._engine import Report, run_rules, selected_rules
from prodready.lint._model import Finding, Hit, Layer, Location, Rule, Severity
from prodready.lint._registry import ENTRY_POINT_GROUP, RuleRegistry, default_registry
from prodready.lint.loaders import DEFAULT_KUBERNETES_VERSION, Project, load_project

__all__ = [
    "DEFAULT_KUBERNETES_VERSION",
    "ENTRY_POINT_GROUP",
    "Finding",
    "Hit",
    "Layer",
    "Location",
    "Project",
    "Report",
    "Rule",
    "RuleRegistry",
    "Severity",
    "check",
    "default_registry",
    "load_project",
    "run_rules",
    "selected_rules",
]


def check(
    paths: list[Path],
    *,
    registry: RuleRegistry | None = None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    per_file_ignores: dict[str, list[str]] | None = None,
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION,
    exclude: tuple[str, ...] = (),
    render: bool = True,
    cache: bool = True,
) -> Report:
    """Load ``paths`` and run the selected rules (all built-ins by default)."""
    registry = registry if registry is not None else default_registry()
    project = load_project(
        paths, render=render, kubernetes_version=kubernetes_version, exclude=exclude, cache=cache
    )
    return run_rules(
        project, selected_rules(registry, select, ignore), per_file_ignores=per_file_ignores
    )
