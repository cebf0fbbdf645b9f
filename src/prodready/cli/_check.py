"""``prodready check``: lint Dockerfiles, compose files and Kubernetes manifests together."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from prodready.cli._output import Output

_FORMATS = ("text", "json", "sarif", "markdown")
_LEVELS = ("error", "warning", "info")


def _ids(values: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for raw in values or [] for v in raw.split(",") if v.strip())


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check",
        help="lint deployment files, including the mistakes that span several files",
        description=(
            "Check Dockerfiles, compose files, Kubernetes manifests and kustomize directories "
            "(rendered with 'kubectl kustomize') file by file and across files. Exit 0 when no "
            "finding reaches --fail-on, 1 when one does, 2 on a usage or input error."
        ),
    )
    parser.add_argument("paths", nargs="*", type=Path, help="files or directories (default: .)")
    parser.add_argument("--format", choices=_FORMATS, default="text", help="output format")
    parser.add_argument(
        "--fail-on",
        choices=_LEVELS,
        default=None,
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    parser.add_argument(
        "--select",
        action="append",
        metavar="IDS",
        help="only these rules (IDs, slugs or prefixes like PR4)",
    )
    parser.add_argument("--ignore", action="append", metavar="IDS", help="skip these rules")
    parser.add_argument(
        "--kubernetes-version",
        default=None,
        help="target Kubernetes version for schema and API checks (default: 1.32)",
    )
    parser.add_argument(
        "--no-render",
        action="store_true",
        help="read kustomize directories as plain files instead of running kubectl",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="render kustomizations again even if an identical tree was rendered before "
        "(cache: $PRODREADY_CACHE_DIR or ~/.cache/prodready)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("pyproject.toml"),
        help="pyproject.toml holding [tool.prodready.check]",
    )
    parser.add_argument(
        "--list-rules", action="store_true", help="print the rule catalogue and exit"
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace, out: Output) -> int:
    from prodready.errors import UsageError
    from prodready.lint import (
        DEFAULT_KUBERNETES_VERSION,
        Severity,
        default_registry,
        load_project,
        run_rules,
        selected_rules,
    )
    from prodready.lint._config import load_config
    from prodready.lint.reporters import (
        render_json,
        render_rules_markdown,
        render_sarif,
        render_text,
    )

    config = load_config(args.config)
    registry = default_registry()
    select = _ids(args.select) or config.select
    ignore = _ids(args.ignore) + config.ignore
    for name in (*select, *ignore):
        if name not in registry and not any(r.id.startswith(name) for r in registry):
            raise UsageError(
                f"unknown rule {name!r}",
                expected="a rule ID (PR301), slug (k8s-image-unpinned) or prefix (PR3)",
                hint="list them with 'prodready check --list-rules'",
            )
    rules = selected_rules(registry, select, ignore)
    if args.list_rules:
        if args.format == "markdown":
            out.out.file.write(render_rules_markdown(rules))
        elif args.format in {"json", "sarif"}:
            out.json([r.to_dict() for r in rules])
        else:
            for r in rules:
                out.out.print(f"{r.id}  {r.severity.label:<7}  {r.slug}: {r.summary}", markup=False)
        return 0
    if args.format == "markdown":
        raise UsageError(
            "--format markdown is only for --list-rules", hint="use text, json or sarif"
        )
    paths = args.paths or [Path(".")]
    for path in paths:
        if not path.exists():
            raise UsageError(
                f"{path} does not exist", path=path, hint="pass existing files or directories"
            )
    fail_on = args.fail_on or config.fail_on or "warning"
    if fail_on not in _LEVELS:
        raise UsageError(f"fail-on must be one of {', '.join(_LEVELS)}", path=config.path or None)
    version = args.kubernetes_version or config.kubernetes_version or DEFAULT_KUBERNETES_VERSION
    project = load_project(
        paths,
        render=not args.no_render,
        kubernetes_version=version,
        exclude=config.exclude,
        cache=not args.no_cache,
    )
    report = run_rules(
        project,
        rules,
        per_file_ignores=config.per_file_ignores,
        config_path=config.path or "pyproject.toml",
    )
    if (
        any(r.id == "PR307" for r in rules)
        and project.groups
        and importlib.util.find_spec("kubernetes_validate") is None
    ):
        out.err.print(
            "note: PR307 skipped: install it with pip install 'prodready[check]'", markup=False
        )
    if args.format == "json":
        out.json(render_json(report))
    elif args.format == "sarif":
        out.json(render_sarif(report))
    else:
        render_text(report, out.out)
    return 1 if report.failed(Severity.parse(fail_on)) else 0
