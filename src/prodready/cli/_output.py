"""Rendering for the CLI: rich on a terminal, plain text elsewhere, errors on stderr."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

from prodready.errors import ProdreadyError


class Output:
    """Two consoles: ``out`` for results (stdout) and ``err`` for progress and errors (stderr).

    Colour follows the terminal unless ``no_color`` or the ``NO_COLOR`` convention disables it.
    """

    def __init__(self, *, no_color: bool = False) -> None:
        plain = no_color or bool(os.environ.get("NO_COLOR"))
        self.out = Console(file=sys.stdout, no_color=plain, highlight=False, soft_wrap=True)
        self.err = Console(file=sys.stderr, no_color=plain, highlight=False, soft_wrap=True)

    def error(self, exc: ProdreadyError) -> None:
        """Print an error as ``error: file:line: message`` plus its expectation and fix."""
        where = escape(f"{exc.where}: ") if exc.where else ""
        self.err.print(
            f"[bold red]error:[/] {where}{escape(exc.message)}", markup=True, highlight=False
        )
        if exc.expected:
            self.err.print(
                f"  [dim]expected:[/] {escape(exc.expected)}", markup=True, highlight=False
            )
        if exc.hint:
            self.err.print(f"  [dim]fix:[/] {escape(exc.hint)}", markup=True, highlight=False)

    def json(self, data: Any) -> None:
        """Dump structured output to stdout as JSON (never through rich markup)."""
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")
        sys.stdout.flush()
