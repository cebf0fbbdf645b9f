"""``prodready verify [PATH]``: ``up``, then prove the probe contract, faults included."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.markup import escape

from prodready.cli._output import Output
from prodready.cli._signals import stop_on_signals
from prodready.errors import ExternalToolError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="run the service locally and prove its probe contract, including dependency faults",
        description=(
            "Start the service as 'prodready up' does, then check: the startup probe passes in "
            "time; readiness and liveness answer 200; for each dependency, stopping it turns "
            "readiness 503 within refresh interval + check timeout while liveness stays 200, and "
            "restarting it recovers readiness; SIGTERM drains without failing in-flight requests. "
            "Exit 0 only if every step passed."
        ),
    )
    parser.add_argument("path", nargs="?", default=".", type=Path, help="project directory")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format (default text)"
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace, out: Output) -> int:
    from prodready.spec import load_spec
    from prodready.verify import Drill, LocalRun, report_data, report_table, step_line

    spec = load_spec(args.path)

    stopping = stop_on_signals()
    run = LocalRun(spec, args.path.resolve(), progress=lambda m: out.err.print(escape(m)))
    drill = Drill(run, on_step=lambda step: out.err.print(step_line(step)))
    started = time.monotonic()
    try:
        try:
            with out.err.status(f"starting {spec.name}…"):
                run.start()
        except ExternalToolError as exc:
            # a dependency or build step that fails is a failed verification with a report
            # (JSON consumers get one), not a bare error message
            drill.not_started(exc, time.monotonic() - started)
        else:
            drill.run_all()
    finally:
        with stopping, out.err.status("stopping everything…"):
            run.close()
    if args.format == "json":
        out.json(report_data(spec.name, drill.steps))
    else:
        out.out.print(report_table(spec.name, drill.steps))
    return 0 if drill.passed else 1
