"""The ``prodready`` command: parse, call the library, render, exit.

Exit codes: 0 success, 1 findings or a failed verification, 2 usage or input error, 130 interrupted.

Each subcommand lives in its own module ``prodready.cli._<name>`` exposing
``register(subparsers) -> None``; the module sets ``func`` on its parser to a callable taking the
parsed namespace and a :class:`~prodready.cli._output.Output` and returning the exit code. Modules
import the library lazily inside ``func`` so ``prodready --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from prodready._version import __version__
from prodready.cli._output import Output
from prodready.errors import ProdreadyError

__all__ = ["build_parser", "main"]

# Order is the order shown in --help.
COMMANDS: tuple[str, ...] = ("init", "generate", "up", "verify", "settings", "check")

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors leave with exit code 2 and a hint instead of a bare message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n  fix: run '{self.prog} --help'\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every subcommand registered."""
    parser = _Parser(
        prog="prodready",
        description=(
            "From Python web service code to a verified production deployment. One service spec "
            "([tool.prodready] in pyproject.toml) feeds the runtime probes, the generated "
            "deployment files, the checker and the local verifier."
        ),
    )
    parser.add_argument("--version", action="version", version=f"prodready {__version__}")
    parser.add_argument(
        "--no-color", action="store_true", help="plain text output even on a terminal"
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"prodready.cli._{name.replace('-', '_')}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    out = Output(no_color=args.no_color)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_OK
    try:
        return int(func(args, out))
    except ProdreadyError as exc:
        out.error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        out.err.print("interrupted")
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover - exercised via the console script
    raise SystemExit(main())
