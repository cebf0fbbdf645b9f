"""Time to start every prodready.testing server in parallel (issue #2's goal: < 90 s on 2 cores).

Reproduce: .venv/bin/python bench/harness/start_all.py [--runs 3]
Prints, per run, the wall time until every server accepted real work, and each server's own
start time; then the median of the runs. Each run uses fresh servers (first start: initdb, Kafka
storage format, Neo4j store creation all included).
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from prodready.testing import (
    KafkaServer,
    ManagedServer,
    MongoServer,
    Neo4jServer,
    OpenSearchServer,
    PostgresServer,
    RabbitMQServer,
    RedisServer,
)

SERVERS: tuple[type[ManagedServer], ...] = (
    PostgresServer,
    RedisServer,
    RabbitMQServer,
    KafkaServer,
    Neo4jServer,
    MongoServer,
    OpenSearchServer,
)


def _timed_start(server: ManagedServer) -> float:
    started = time.monotonic()
    server.start()
    return time.monotonic() - started


def run_once() -> float:
    servers = [cls() for cls in SERVERS]
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=len(servers)) as pool:
            each = list(pool.map(_timed_start, servers))
        total = time.monotonic() - started
    finally:
        for server in servers:
            server.close()
    leftovers = [item for server in servers for item in server.leftovers()]
    detail = ", ".join(f"{s.name} {t:.1f}s" for s, t in zip(servers, each, strict=True))
    print(f"all {len(servers)} servers ready in {total:.1f} s ({detail}); leftovers: {leftovers}")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    totals = [run_once() for _ in range(args.runs)]
    print(f"median of {len(totals)} runs: {statistics.median(totals):.1f} s")


if __name__ == "__main__":
    main()
