"""``prodready generate [PATH] [--check] [--only TARGET…] [--force]``.

Exit codes: 0 written or up to date; 1 ``--check`` found drift, or hand-edited files were left
alone (diff shown, nothing written); 2 invalid spec or usage.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

if TYPE_CHECKING:
    from prodready.cli._output import Output
    from prodready.generate import FileChange


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="write Dockerfile, compose, env and the other deployment files from the spec",
        description=(
            "Render the deployment files from [tool.prodready]. Regeneration is idempotent; a "
            "file edited by hand is never overwritten without --force; --check writes nothing "
            "and exits 1 when the files on disk differ from the spec (for CI)."
        ),
    )
    parser.add_argument("path", nargs="?", default=".", type=Path, help="project directory")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 and show the diff on drift"
    )
    parser.add_argument(
        "--only", nargs="+", metavar="TARGET", help="render only these targets (default: all)"
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite files edited by hand (the diff is shown)"
    )
    parser.add_argument("--list", action="store_true", help="list the available targets and exit")
    parser.set_defaults(func=_run)


def _show_diff(out: Output, change: FileChange) -> None:
    if change.diff:
        out.out.print(escape(change.diff.rstrip("\n")), markup=True, highlight=False)


def _run(args: argparse.Namespace, out: Output) -> int:
    from prodready.errors import InputError, UsageError
    from prodready.generate import apply_plan, default_targets, plan_changes, render_targets
    from prodready.spec import find_spec_file, load_spec, locate_app

    registry = default_targets()
    if args.list:
        for name in registry.names():
            out.out.print(f"{name}: {registry.get(name).description}", highlight=False)
        return 0
    unknown = [name for name in args.only or () if name not in registry.names()]
    if unknown:
        raise UsageError(
            f"unknown target(s): {', '.join(unknown)}",
            expected=f"one of: {', '.join(registry.names())}",
            hint="run 'prodready generate --list'",
        )
    project: Path = args.path
    spec = load_spec(project)
    root = project if project.is_dir() else project.parent
    spec_file = find_spec_file(project)
    locate_app(spec, root, spec_file)
    rendered = render_targets(registry, spec, only=args.only, spec_file=spec_file)
    plan = plan_changes(root, rendered.files, rendered.seeds)

    if args.check:
        for change in plan.drift:
            out.err.print(f"drift: {change.path} ({change.status})", highlight=False)
            _show_diff(out, change)
        if plan.drift:
            out.err.print(
                f"{len(plan.drift)} generated file(s) differ from the spec; "
                "run 'prodready generate' and commit the result",
                highlight=False,
            )
            return 1
        out.err.print(f"{len(rendered.files)} generated file(s) up to date", highlight=False)
        return 0

    conflicts = plan.with_status("conflict")
    for change in conflicts:
        out.err.print(
            f"{'overwriting' if args.force else 'edited by hand'}: {change.path}", highlight=False
        )
        _show_diff(out, change)
    try:
        written = apply_plan(plan, force=args.force)
    except InputError as exc:
        out.error(exc)
        return 1
    for change in written:
        detail = f" ({change.diff})" if change.status == "extend" else ""
        out.err.print(f"{change.status:>7}  {change.path}{detail}", highlight=False)
    unchanged = len(plan.with_status("unchanged", "keep"))
    out.err.print(f"{len(written)} written, {unchanged} unchanged", highlight=False)
    _warn_unignored_env(root, rendered.seeds, out)
    return 0


def _warn_unignored_env(root: Path, seeds: dict[str, str], out: Output) -> None:
    """Seed files hold local passwords: say so when .gitignore does not list them."""
    gitignore = root / ".gitignore"
    try:
        ignored = {line.strip() for line in gitignore.read_text(encoding="utf-8").splitlines()}
    except OSError:
        ignored = set()
    for path in seeds:
        if path not in ignored and f"/{path}" not in ignored:
            out.err.print(
                f"warning: {path} holds local secrets but is not in .gitignore; "
                f"add a line '{path}' to .gitignore",
                highlight=False,
            )
