"""Readiness side by side: prodready vs a naive endpoint vs fast-healthchecks vs fastapi-health.

Same machine, same run, same two real dependencies (PostgreSQL + Redis from prodready.testing),
each app under uvicorn in its own process, load from wrk in another process. Per repetition and
variant (variants interleaved, so drift hits them alike):

  A. dependencies up: wrk on /static, on readiness (while counting the calls the dependencies
     see: PostgreSQL ``pg_stat_database`` transactions and sessions, Redis ``INFO``), on liveness;
  B. PostgreSQL is a blackhole (accepts TCP, never answers): wrk on /static and on readiness;
  C. both dependencies are blackholes: wrk on liveness.

Reported: medians over the repetitions. Reproduce (needs the ``bench`` extra and wrk)::

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/health/run.py --repeats 3 --out bench/health/results.json

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import redis

from prodready.testing import BlackholeServer, PostgresServer, RedisServer, free_port

HERE = Path(__file__).resolve().parent
# liveness and readiness paths per variant
VARIANTS: dict[str, tuple[str, str]] = {
    "prodready": ("/health/live", "/health/ready"),
    "naive": ("/health/live", "/health/ready"),
    "fast-healthchecks": ("/health/liveness", "/health/readiness"),
    "fastapi-health": ("/health/live", "/health/ready"),
}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(url: str, *, duration: float, connections: int, timeout: float) -> dict[str, Any]:
    """One wrk run (1 thread); requests/s, p50/p99 in ms, errors and timeouts."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", "--latency"]
    out = subprocess.run(
        [*cmd, "--timeout", f"{timeout:g}s", url], capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, Any] = {
        "rps": 0.0,
        "p50_ms": None,
        "p99_ms": None,
        "timeouts": 0,
        "non2xx": 0,
    }
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["rps"] = float(m.group(1))
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        if m := re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE):
            result[key] = float(m.group(1)) * UNITS[m.group(2)]
    if m := re.search(r"timeout (\d+)", out):
        result["timeouts"] = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        result["non2xx"] = int(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        result["requests"] = int(m.group(1))
    return result


@contextmanager
def serve(variant: str, pg_url: str, redis_url: str) -> Iterator[str]:
    """The variant's app under uvicorn in its own process; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "BENCH_VARIANT": variant,
        "PG_URL": pg_url,
        "REDIS_URL": redis_url,
        "PYTHONPATH": str(HERE),
    }
    cmd = [sys.executable, "-m", "uvicorn", "app:app", "--port", str(port), "--no-access-log"]
    proc = subprocess.Popen(
        [*cmd, "--log-level", "warning"], env=env, cwd=HERE, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/static", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{variant} did not start")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _pg_counters(dsn: str) -> tuple[int, int]:
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            "SELECT xact_commit + xact_rollback AS xacts, sessions FROM pg_stat_database"
            " WHERE datname = current_database()"
        )
    finally:
        await conn.close()
    return int(row["xacts"]), int(row["sessions"])


def counters(pg: PostgresServer, rds: RedisServer) -> dict[str, float]:
    xacts, sessions = asyncio.run(_pg_counters(pg.dsn))
    client = redis.Redis.from_url(rds.url)
    try:
        stats = client.info("commandstats")
        info = client.info("stats")
    finally:
        client.close()
    # PING is the one command every variant's Redis check sends once per check
    pings = int(stats.get("cmdstat_ping", {}).get("calls", 0))
    return {
        "pg_xacts": xacts,
        "pg_sessions": sessions,
        "redis_pings": pings,
        "redis_connections": int(info["total_connections_received"]),
        "t": time.monotonic(),
    }


def wait_ready(url: str, limit: float = 15.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if httpx.get(url, timeout=10).status_code == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} never became ready")


def run_once(variant: str, pg: PostgresServer, rds: RedisServer, args: argparse.Namespace) -> dict:
    live, ready = VARIANTS[variant]
    d, c = args.duration, args.connections
    out: dict[str, Any] = {}

    # A. dependencies up
    with serve(variant, pg.dsn, rds.url) as base:
        wait_ready(base + ready)
        wrk(base + "/static", duration=1, connections=c, timeout=5)  # warm-up
        out["static"] = wrk(base + "/static", duration=d, connections=c, timeout=5)
        before = counters(pg, rds)
        out["ready"] = wrk(base + ready, duration=d, connections=c, timeout=5)
        time.sleep(1.5)  # PostgreSQL publishes backend statistics at most once a second
        after = counters(pg, rds)
        window = after["t"] - before["t"]
        out["deps_per_s"] = {
            key: (after[key] - before[key] - (1 if key.startswith("pg_") else 0)) / window
            for key in ("pg_xacts", "pg_sessions", "redis_pings", "redis_connections")
        }
        out["live"] = wrk(base + live, duration=d, connections=c, timeout=5)

    # B. PostgreSQL is a blackhole
    with BlackholeServer() as hole:
        hung_pg = pg.dsn.replace(f"{pg.host}:{pg.port}", f"{hole.host}:{hole.port}")
        with serve(variant, hung_pg, rds.url) as base:
            time.sleep(3)  # let a background runner see the hang once
            # same length for both, so both see the same share of the machine's noise
            long = args.hung_duration
            out["static_hung"] = wrk(base + "/static", duration=long, connections=c, timeout=5)
            out["ready_hung"] = wrk(base + ready, duration=long, connections=c, timeout=long - 1)
            if variant == "prodready":
                body = httpx.get(base + ready, timeout=5).json()
                out["hung_check"] = body["components"]["postgres"]

    # C. both dependencies are blackholes
    with BlackholeServer() as hole_pg, BlackholeServer() as hole_redis:
        hung_pg = pg.dsn.replace(f"{pg.host}:{pg.port}", f"{hole_pg.host}:{hole_pg.port}")
        hung_redis = rds.url.replace(
            f"{rds.host}:{rds.port}", f"{hole_redis.host}:{hole_redis.port}"
        )
        with serve(variant, hung_pg, hung_redis) as base:
            time.sleep(1)
            out["live_down"] = wrk(base + live, duration=d, connections=c, timeout=5)
    return out


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def summarize(runs: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for variant, reps in runs.items():
        row: dict[str, Any] = {}
        row["static_rps"] = median([r["static"]["rps"] for r in reps])
        row["ready_rps"] = median([r["ready"]["rps"] for r in reps])
        row["ready_ratio"] = median([r["ready"]["rps"] / r["static"]["rps"] for r in reps])
        for key in ("pg_xacts", "pg_sessions", "redis_pings", "redis_connections"):
            row[key + "_per_s"] = median([r["deps_per_s"][key] for r in reps])
        row["static_p99_ms"] = median([r["static"]["p99_ms"] for r in reps])
        row["static_hung_p99_ms"] = median([r["static_hung"]["p99_ms"] for r in reps])
        row["ready_hung_p99_ms"] = median([r["ready_hung"]["p99_ms"] for r in reps])
        row["ready_hung_requests"] = median([r["ready_hung"].get("requests", 0) for r in reps])
        row["ready_hung_timeouts"] = median([r["ready_hung"]["timeouts"] for r in reps])
        row["ready_hung_p99_ratio"] = median(
            [
                r["ready_hung"]["p99_ms"] / r["static_hung"]["p99_ms"]
                if r["ready_hung"]["p99_ms"] and r["static_hung"]["p99_ms"]
                else None
                for r in reps
            ]
        )
        row["live_p99_ms"] = median([r["live"]["p99_ms"] for r in reps])
        row["live_down_p99_ms"] = median([r["live_down"]["p99_ms"] for r in reps])
        row["live_down_rps"] = median([r["live_down"]["rps"] for r in reps])
        if variant == "prodready":
            row["hung_check_latency_ms"] = median([r["hung_check"].get("latency_ms") for r in reps])
            row["hung_check_reason"] = reps[-1]["hung_check"].get("reason")
        table[variant] = row
    return table


def _fmt(value: float | None, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def markdown(summary: dict[str, dict[str, Any]]) -> str:
    """The results table for docs/benchmarks.md."""
    lines = [
        "| | prodready | naive | fast-healthchecks | fastapi-health |",
        "|---|---|---|---|---|",
    ]
    cols = [summary.get(v, {}) for v in VARIANTS]

    def row(label: str, cell: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(c) if c else "-" for c in cols) + " |")

    row("(1) static req/s", lambda c: _fmt(c["static_rps"], ".0f"))
    row("(1) readiness req/s", lambda c: _fmt(c["ready_rps"], ".0f"))
    row("(1) **readiness / static**", lambda c: f"**{_fmt(c['ready_ratio'], '.2f')}**")
    row(
        "(2) PostgreSQL transactions/s at max probe rate",
        lambda c: _fmt(c["pg_xacts_per_s"], ".2f"),
    )
    row("(2) PostgreSQL new sessions/s", lambda c: _fmt(c["pg_sessions_per_s"], ".2f"))
    row("(2) Redis PING/s at max probe rate", lambda c: _fmt(c["redis_pings_per_s"], ".2f"))
    row("(3) static p99 ms, PostgreSQL blackholed", lambda c: _fmt(c["static_hung_p99_ms"]))

    def hung(c: dict[str, Any]) -> str:
        if not c["ready_hung_requests"]:
            return f"**hangs** (0 answers, {c['ready_hung_timeouts']:.0f} timeouts)"
        return f"{_fmt(c['ready_hung_p99_ms'])} ({_fmt(c['ready_hung_p99_ratio'], '.2f')}x)"

    row("(3) **readiness p99 ms, PostgreSQL blackholed** (x static)", hung)
    row(
        "(3) blackholed check's own result",
        lambda c: (
            f"{c['hung_check_reason']} after {_fmt(c['hung_check_latency_ms'])} ms (timeout 2000)"
            if "hung_check_reason" in c
            else "n/a"
        ),
    )
    row("(4) liveness p99 ms, dependencies up", lambda c: _fmt(c["live_p99_ms"]))
    row(
        "(4) **liveness p99 ms, both dependencies blackholed**",
        lambda c: _fmt(c["live_down_p99_ms"]),
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--hung-duration", type=float, default=12.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--render", type=Path, help="print the table of a results file and exit")
    args = parser.parse_args()
    if args.render:
        print(markdown(json.loads(args.render.read_text())["summary"]))
        return 0

    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in args.variants}
    with PostgresServer() as pg, RedisServer() as rds:
        for rep in range(args.repeats):
            for variant in args.variants:
                print(f"[{rep + 1}/{args.repeats}] {variant}", file=sys.stderr, flush=True)
                runs[variant].append(run_once(variant, pg, rds, args))
    summary = summarize(runs)
    args.out.write_text(json.dumps({"summary": summary, "runs": runs}, indent=2) + "\n")
    print(markdown(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
