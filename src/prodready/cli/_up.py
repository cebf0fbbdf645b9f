"""``prodready up [PATH]``: run the service and its dependencies locally until Ctrl-C/SIGTERM."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.markup import escape

from prodready.cli._output import Output
from prodready.cli._signals import port_number, stop_on_signals


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "up",
        help="run the service locally as its container would, with real dependencies",
        description=(
            "Start the declared backing services as private local processes, run the build "
            "steps and the migration once, then the service with the deployment's environment "
            "(as an unprivileged user when invoked as root). Ctrl-C or SIGTERM stops everything."
        ),
    )
    parser.add_argument("path", nargs="?", default=".", type=Path, help="project directory")
    parser.add_argument(
        "--port", type=port_number, default=None, help="local port (default: a free one)"
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace, out: Output) -> int:
    from prodready.spec import load_spec
    from prodready.verify import LocalRun

    spec = load_spec(args.path)
    stopping = stop_on_signals()
    run = LocalRun(
        spec, args.path.resolve(), port=args.port, progress=lambda m: out.err.print(escape(m))
    )
    try:
        with out.err.status(f"starting {spec.name}…"):
            run.start()
            seconds = run.wait_started()
        out.err.print(f"[green]✓[/] {escape(spec.name)} started in {seconds:.1f} s")
        out.out.print(f"{spec.name} is up at {run.base_url}", markup=False)
        # The deployment's variables, not the sandbox's own (PATH, HOME, caches).
        sandbox_env = run.sandbox.env() if run.sandbox is not None else {}
        for name, service in sorted(run.stack.services.items()):
            out.out.print(f"  {name} ({service.kind}) on {service.address}", markup=False)
        out.out.print(
            f"  env: {', '.join(sorted(set(run.env) - set(sandbox_env)))}",
            markup=False,
        )
        out.err.print("press Ctrl-C to stop")
        while True:
            time.sleep(0.5)
            if run.web is not None and (code := run.web.poll()) is not None:
                out.err.print(f"[red]{escape(spec.name)} exited with code {code}[/]")
                out.err.print(escape(run.web.log_tail()))
                return 1
    except KeyboardInterrupt:
        return 0
    finally:
        with stopping, out.err.status("stopping everything…"):
            run.close()
        out.err.print("stopped; nothing left running")
