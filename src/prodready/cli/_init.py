"""``prodready init [PATH] [--yes] [--force]``: detect the project and write ``[tool.prodready]``.

Shows the plan (each decision and its reason), asks before writing unless ``--yes``, and writes
the spec into ``pyproject.toml`` (formatting and comments kept) or a new ``prodready.toml`` when
the project has no pyproject. An existing spec is never replaced without ``--force``.
Exit codes: 0 written (or declined), 2 input error (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prodready.cli._output import Output


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "init",
        help="detect the app, Python, package manager and backing services; write the spec",
        description=(
            "Detect the project (dependencies, lock files, the FastAPI/Starlette app object) "
            "and write [tool.prodready]. Nothing is imported or executed."
        ),
    )
    parser.add_argument("path", nargs="?", default=".", type=Path, help="project directory")
    parser.add_argument("--yes", "-y", action="store_true", help="write without asking")
    parser.add_argument("--force", action="store_true", help="replace an existing spec")
    parser.add_argument(
        "--json", action="store_true", help="print the plan as JSON (writes only with --yes)"
    )
    parser.set_defaults(func=_run)


def _toml_document(path: Path) -> Any:
    import tomlkit
    from tomlkit.exceptions import ParseError

    from prodready.errors import SpecError

    if not path.is_file():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except ParseError as exc:
        raise SpecError(
            f"not valid TOML: {exc}",
            path=path,
            location=getattr(exc, "line", None),
            hint="fix the TOML syntax, then run 'prodready init' again",
        ) from exc


def _run(args: argparse.Namespace, out: Output) -> int:
    import tomlkit

    from prodready.errors import SpecError, UsageError
    from prodready.spec._detect import detect_project, spec_to_table

    detection = detect_project(args.path)
    table = spec_to_table(detection.spec)
    target = detection.target
    document = _toml_document(target)
    standalone = target.name == "prodready.toml"
    existing = document if standalone else document.get("tool", {}).get("prodready")
    if existing and not args.force:
        raise SpecError(
            "a spec already exists",
            path=target,
            location=None if standalone else "tool.prodready",
            hint="edit it by hand, or re-run with --force to replace it with the detected one",
        )

    if args.json:
        out.json(
            {
                "target": str(target),
                "findings": [{"what": f.what, "because": f.because} for f in detection.findings],
                "spec": table,
            }
        )
    else:
        out.err.print(f"plan for {target}:", highlight=False)
        for finding in detection.findings:
            out.err.print(f"  {finding.what:<40} ({finding.because})", highlight=False)
        out.err.print("", highlight=False)
        out.out.print(
            tomlkit.dumps({"tool": {"prodready": table}} if not standalone else table),
            highlight=False,
            markup=False,
        )

    if not args.yes:
        if args.json:
            return 0
        if not sys.stdin.isatty():
            raise UsageError(
                "not writing without confirmation", hint="re-run with --yes to write the spec"
            )
        answer = input(f"write this spec to {target}? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            out.err.print("nothing written", highlight=False)
            return 0

    if standalone:
        document = tomlkit.document()
        for key, value in table.items():
            document[key] = value
    else:
        tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
        tool["prodready"] = table
    text = tomlkit.dumps(document)
    tmp = target.with_name(f".{target.name}.prodready-tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    out.err.print(
        f"wrote the spec to {target}; next: prodready generate {args.path}",
        markup=False,
        highlight=False,
    )
    return 0
