"""Generate deployment files from the service spec.

    from prodready.generate import default_targets, generate
    result = generate(Path("."), check=True)        # plan only; result.plan.drift lists changes

The target contract (for anyone writing a target) is in :mod:`prodready.generate._model`; the
writer's rules (header, edits, ``--check``, all-or-nothing) in :mod:`prodready.generate._writer`.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from prodready.errors import RegistryError, SpecError
from prodready.generate._model import Rendered, Target, TargetRegistry, check_relative_path
from prodready.generate._render import dump_yaml, render_template
from prodready.generate._writer import (
    FileChange,
    Plan,
    add_header,
    apply_plan,
    plan_changes,
    split_header,
)
from prodready.spec import ServiceSpec, find_spec_file, load_spec, locate_app

__all__ = [
    "BUILTIN_TARGETS",
    "ENTRY_POINT_GROUP",
    "FileChange",
    "GenerateResult",
    "Plan",
    "Rendered",
    "Target",
    "TargetRegistry",
    "add_header",
    "apply_plan",
    "check_relative_path",
    "default_targets",
    "dump_yaml",
    "generate",
    "plan_changes",
    "render_targets",
    "render_template",
    "split_header",
]

# Built-in targets in the order they run: module ``prodready.generate.targets.<name>`` exposing
# ``TARGET``. A name whose module is not installed in this build is skipped.
BUILTIN_TARGETS: tuple[str, ...] = (
    "docker",
    "compose",
    "env",
    "kubernetes",
    "monitoring",
    "nginx",
    "ci",
    "docs",
)
ENTRY_POINT_GROUP = "prodready.targets"


def default_targets(*, plugins: bool = True) -> TargetRegistry:
    """A new registry with the built-in targets and (``plugins``) the entry-point ones."""
    registry = TargetRegistry()
    for name in BUILTIN_TARGETS:
        module_name = f"prodready.generate.targets.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        registry.register(importlib.import_module(module_name).TARGET)
    if plugins:
        for point in entry_points(group=ENTRY_POINT_GROUP):
            if point.name in BUILTIN_TARGETS:
                continue
            target = point.load()
            if not isinstance(target, Target):
                raise RegistryError(
                    f"entry point {point.name!r} ({point.value}) is not a prodready Target"
                )
            registry.register(target)
    return registry


def render_targets(
    registry: TargetRegistry, spec: ServiceSpec, *, only: Iterable[str] | None, spec_file: Path
) -> Rendered:
    """Render, attributing a target's :class:`SpecError` without a file to the spec's file."""
    try:
        return registry.render(spec, only=list(only) if only else None)
    except SpecError as exc:
        if exc.path is None:
            exc.path = str(spec_file)
        raise


@dataclass(frozen=True)
class GenerateResult:
    """The spec, what was rendered, the plan, and the changes actually written (empty on check)."""

    spec: ServiceSpec
    rendered: Rendered
    plan: Plan
    written: tuple[FileChange, ...]


def generate(
    project: Path,
    *,
    only: Iterable[str] | None = None,
    check: bool = False,
    force: bool = False,
    registry: TargetRegistry | None = None,
) -> GenerateResult:
    """Load the spec of ``project``, render the targets and (unless ``check``) write the files.

    The app named by the spec must exist in the project (read, not imported).
    Everything is rendered and compared before anything is written; a hand-edited file stops the
    whole run unless ``force``.
    """
    spec = load_spec(project)
    root = project if project.is_dir() else project.parent
    spec_file = find_spec_file(project)
    locate_app(spec, root, spec_file)
    targets = registry if registry is not None else default_targets()
    rendered = render_targets(targets, spec, only=only, spec_file=spec_file)
    plan = plan_changes(root, rendered.files, rendered.seeds)
    written = () if check else apply_plan(plan, force=force)
    return GenerateResult(spec=spec, rendered=rendered, plan=plan, written=written)
