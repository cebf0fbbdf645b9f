"""Middleware overhead on a hello route: none vs prodready vs two peers, one run, wrk load.

Each variant runs in its own uvicorn process (one worker, no access log); ``wrk`` (a separate
process) drives ``GET /hello/world`` for ``--duration`` seconds after a warm-up. Variants are
measured in rounds whose order alternates (forward, then reversed) so drift on a shared machine
hits all of them alike. Besides wrk's throughput, the server process's own CPU time per request
is read from /proc: on a busy machine throughput follows the CPU share the scheduler happens to
give, while CPU per request does not, and 1 / (CPU per request) is the throughput of a server
that has a core to itself. Prints a Markdown table of medians and ratios against "none".

Reproduce: .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/middleware/run.py
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

VARIANTS = (
    "none",
    "passthrough",
    "prodready",
    "prodready-full",
    "instrumentator",
    "starlette-exporter",
)
HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(variant: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BENCH_VARIANT": variant}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    cmd = [sys.executable, "-m", "uvicorn", "app:app", "--app-dir", str(HERE)]
    cmd += ["--port", str(port), "--no-access-log", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello/x", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{variant}: server did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(port: int, seconds: int, connections: int) -> tuple[float, float, int]:
    """Requests per second, p50 latency (ms) and request count of one wrk run."""
    url = f"http://127.0.0.1:{port}/hello/world"
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    assert p50 is not None
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]
    count = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return rps, float(p50.group(1)) * scale, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    # per variant: (req/s, p50 ms, server CPU µs per request)
    results: dict[str, list[tuple[float, float, float]]] = {v: [] for v in args.variants}
    for round_no in range(args.rounds):
        order = args.variants if round_no % 2 == 0 else list(reversed(args.variants))
        for variant in order:
            port = free_port()
            proc = serve(variant, port)
            try:
                wrk(port, 2, args.connections)  # warm-up
                cpu_before = cpu_seconds(proc.pid)
                rps, p50, count = wrk(port, args.duration, args.connections)
                cpu_us = (cpu_seconds(proc.pid) - cpu_before) / count * 1e6
            finally:
                proc.terminate()
                proc.wait(timeout=10)
            results[variant].append((rps, p50, cpu_us))
            print(
                f"round {round_no + 1} {variant:20s} {rps:10.0f} req/s  p50 {p50:.3f} ms"
                f"  server CPU {cpu_us:.1f} µs/req"
            )
    base = statistics.median(r[0] for r in results["none"])
    base_cpu = statistics.median(r[2] for r in results["none"])
    print()
    print(
        "| variant | median req/s | vs none | median p50 (ms) | server CPU µs/req "
        "| CPU-bound throughput vs none |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for variant, runs in results.items():
        rps = statistics.median(r[0] for r in runs)
        p50 = statistics.median(r[1] for r in runs)
        cpu = statistics.median(r[2] for r in runs)
        print(
            f"| {variant} | {rps:.0f} | {rps / base:.3f} | {p50:.3f} | {cpu:.1f} "
            f"| {base_cpu / cpu:.3f} |"
        )


if __name__ == "__main__":
    main()
