"""CPU cost per request of each middleware, in-process (no network, no server, no load tool).

Complements run.py: on a shared, loaded machine wrk throughput swings by tens of percent between
runs, while the CPU time this process spends per request (``time.process_time``) barely moves.
Each variant of app.py serves ``GET /hello/world`` N times through its ASGI callable; rounds
alternate the order; medians are reported with the implied throughput ratio against "none".

Reproduce: .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/middleware/inprocess.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app import build

VARIANTS = (
    "none",
    "passthrough",
    "prodready",
    "prodready-full",
    "instrumentator",
    "starlette-exporter",
)


async def drive(app: Any, n: int) -> float:
    """Seconds of CPU per request over ``n`` requests."""
    scope_template = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/hello/world",
        "raw_path": b"/hello/world",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"bench"), (b"user-agent", b"bench")],
        "client": ("127.0.0.1", 1234),
        "server": ("bench", 80),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    start = time.process_time()
    for _ in range(n):
        await app(dict(scope_template), receive, send)
    return (time.process_time() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    real_stdout = sys.stdout
    apps = {}
    for variant in VARIANTS:
        apps[variant] = build(variant)
    sys.stdout = real_stdout  # prodready-full points stdout at /dev/null for its access lines
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        raise SystemExit("unset PROMETHEUS_MULTIPROC_DIR: this measures the in-memory path")
    results: dict[str, list[float]] = {v: [] for v in VARIANTS}
    loop = asyncio.new_event_loop()
    for variant in VARIANTS:  # warm-up: middleware stacks are built on the first call
        loop.run_until_complete(drive(apps[variant], 200))
    for round_no in range(args.rounds):
        order = VARIANTS if round_no % 2 == 0 else tuple(reversed(VARIANTS))
        for variant in order:
            results[variant].append(loop.run_until_complete(drive(apps[variant], args.requests)))
    loop.close()
    base = statistics.median(results["none"])
    print("| variant | median CPU µs/request | added µs | throughput vs none |")
    print("|---|---:|---:|---:|")
    for variant, runs in results.items():
        cost = statistics.median(runs)
        print(f"| {variant} | {cost * 1e6:.1f} | {(cost - base) * 1e6:+.1f} | {base / cost:.3f} |")


if __name__ == "__main__":
    main()
