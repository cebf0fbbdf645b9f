"""``prodready settings``: print the effective settings, secrets masked."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import Any

from prodready.cli._output import Output

DEFAULT_CLASS = "prodready.settings:ServiceSettings"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "settings",
        help="print the effective settings (environment, .env, secrets) with secrets masked",
        description=(
            "Read the settings exactly as the service would (environment variables, a .env file, "
            "/run/secrets and PRODREADY_SECRETS_DIRS) and print them with every secret masked. "
            "Exit 2 listing every missing or invalid variable."
        ),
    )
    parser.add_argument(
        "--settings",
        default=DEFAULT_CLASS,
        metavar="MODULE:CLASS",
        help=f"the ServiceSettings subclass to load (default {DEFAULT_CLASS})",
    )
    parser.add_argument(
        "--env-file", type=Path, default=Path(".env"), help="the .env file to read (default .env)"
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.set_defaults(func=_run)


def _load_class(spec: str) -> Any:
    from prodready.errors import UsageError
    from prodready.settings import ServiceSettings

    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise UsageError(
            f"--settings {spec!r} is not MODULE:CLASS",
            expected="e.g. myservice.config:Settings",
            hint="name the module and the ServiceSettings subclass, separated by ':'",
        )
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise UsageError(
            f"cannot load {spec!r}: {exc}",
            hint="run from the project directory, or check the module path and class name",
        ) from exc
    if not (isinstance(cls, type) and issubclass(cls, ServiceSettings)):
        raise UsageError(
            f"{spec} is not a ServiceSettings subclass",
            hint="subclass prodready.ServiceSettings for your service's settings",
        )
    return cls


def _run(args: argparse.Namespace, out: Output) -> int:
    import sys

    sys.path.insert(0, str(Path.cwd()))
    cls = _load_class(args.settings)
    settings = cls(_env_file=args.env_file if args.env_file.is_file() else None)
    values = settings.redacted()
    rows = [
        {
            "name": name,
            "env": cls.env_name(name),
            "value": value,
            "source": "set" if name in settings.model_fields_set else "default",
        }
        for name, value in values.items()
    ]
    if args.format == "json":
        out.json(
            {
                "class": f"{cls.__module__}.{cls.__qualname__}",
                "environment": settings.environment,
                "settings": rows,
            }
        )
        return 0
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{cls.__qualname__} ({settings.environment})", title_justify="left")
    for column in ("variable", "value", "source"):
        table.add_column(column)
    for row in rows:
        shown = "" if row["value"] is None else str(row["value"])
        table.add_row(Text(row["env"]), Text(shown), Text(row["source"]))  # never markup
    out.out.print(table)
    return 0
