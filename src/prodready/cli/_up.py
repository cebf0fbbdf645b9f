"""``prodready up [PATH]``: run the service and its dependencies locally until Ctrl-C/SIGTERM."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from types import FrameType

from rich.markup import escape

from prodready.cli._output import Output


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
    parser.add_argument("--port", type=int, default=None, help="local port (default: a free one)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace, out: Output) -> int:
    from prodready.spec import load_spec
    from prodready.verify import LocalRun

    spec = load_spec(args.path)
    stop = threading.Event()

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, _on_signal)
    run = LocalRun(
        spec, args.path.resolve(), port=args.port, progress=lambda m: out.err.print(escape(m))
    )
    try:
        with out.err.status(f"starting {spec.name}…"):
            run.start()
            seconds = run.wait_started()
        out.err.print(f"[green]✓[/] {escape(spec.name)} started in {seconds:.1f} s")
        out.out.print(f"{spec.name} is up at {run.base_url}", markup=False)
        for name, service in sorted(run.stack.services.items()):
            out.out.print(f"  {name} ({service.kind}) on {service.address}", markup=False)
        out.out.print(
            f"  env: {', '.join(sorted(k for k in run.env if k not in _SANDBOX_KEYS))}",
            markup=False,
        )
        out.err.print("press Ctrl-C to stop")
        while not stop.wait(0.5):
            if run.web is not None and (code := run.web.poll()) is not None:
                out.err.print(f"[red]{escape(spec.name)} exited with code {code}[/]")
                out.err.print(escape(run.web.log_tail()))
                return 1
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        with out.err.status("stopping everything…"):
            run.close()
        signal.signal(signal.SIGTERM, previous)
        out.err.print("stopped; nothing left running")


_SANDBOX_KEYS = frozenset(
    {"PATH", "HOME", "XDG_CACHE_HOME", "PROMETHEUS_MULTIPROC_DIR", "PYTHONUNBUFFERED",
     "PYTHONDONTWRITEBYTECODE", "TMPDIR", "LANG"}
)  # fmt: skip
