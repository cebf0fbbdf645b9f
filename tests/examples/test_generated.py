"""The examples' committed deployment files: in sync with their spec, and agreeing with it.

CI runs ``prodready generate --check`` on each example; these tests run the same command, so a spec
edited without regenerating (or a generator change without regenerated examples) fails here first.
The Dockerfile checks read the committed file, not the generator, so they hold for what ships.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from prodready import _contract as contract
from prodready.spec import ServiceSpec, load_spec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
NAMES = ("immune-core", "hitl-review", "pff", "vision", "hive-mind")


def _final_stage(example: str) -> list[str]:
    """The Dockerfile's last stage, continuation lines joined (the image that runs)."""
    text = (EXAMPLES / example / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", text)
    lines = [line.strip() for line in joined.splitlines()]
    starts = [index for index, line in enumerate(lines) if line.startswith("FROM ")]
    return [line for line in lines[starts[-1] :] if line and not line.startswith("#")]


def _instruction(lines: list[str], keyword: str) -> str:
    found = [line[len(keyword) + 1 :] for line in lines if line.startswith(f"{keyword} ")]
    assert len(found) == 1, f"expected one {keyword} in the final stage, found {found}"
    return found[0]


def _spec(example: str) -> ServiceSpec:
    return load_spec(EXAMPLES / example)


def _prodready(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prodready", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )


def test_every_example_directory_is_covered() -> None:
    assert sorted(NAMES) == sorted(path.parent.name for path in EXAMPLES.glob("*/pyproject.toml"))


@pytest.mark.parametrize("example", NAMES)
def test_generate_check_finds_the_committed_files_in_sync(example: str) -> None:
    result = _prodready("generate", "--check", str(EXAMPLES / example))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("example", NAMES)
def test_committed_deployment_files_pass_prodready_check(example: str, tmp_path: Path) -> None:
    """What a fresh checkout holds: without the git-ignored local ``.env`` (as in CI)."""
    project = tmp_path / example
    shutil.copytree(EXAMPLES / example, project, ignore=shutil.ignore_patterns(".env"))
    result = _prodready("check", str(project))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("example", NAMES)
def test_dockerfile_cmd_runs_the_spec_app_on_its_port_with_its_workers(example: str) -> None:
    spec = _spec(example)
    argv = json.loads(_instruction(_final_stage(example), "CMD"))
    assert argv[0] == spec.server.kind
    assert argv[1] == spec.app
    assert argv[argv.index("--workers") + 1] == str(spec.workers)
    if spec.server.kind == "uvicorn":
        assert argv[argv.index("--port") + 1] == str(spec.port)
    else:
        assert argv[argv.index("--bind") + 1] == f"0.0.0.0:{spec.port}"


@pytest.mark.parametrize("example", NAMES)
def test_dockerfile_exposes_and_health_checks_the_spec_port(example: str) -> None:
    spec = _spec(example)
    stage = _final_stage(example)
    assert _instruction(stage, "EXPOSE") == str(spec.port)
    assert f"PORT={spec.port}" in _instruction(stage, "ENV").split()
    assert f"http://127.0.0.1:{spec.port}{spec.probes.liveness}" in _instruction(
        stage, "HEALTHCHECK"
    )


@pytest.mark.parametrize("example", NAMES)
def test_dockerfile_runs_as_the_contract_uid_not_root(example: str) -> None:
    stage = _final_stage(example)
    assert _instruction(stage, "USER") == f"{contract.APP_UID}:{contract.APP_GID}"
    assert f"--uid {contract.APP_UID}" in " ".join(stage)


@pytest.mark.parametrize("example", NAMES)
def test_local_env_file_is_git_ignored(example: str) -> None:
    """``generate`` writes ``.env`` with local passwords next to the committed files."""
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", f"examples/{example}/.env"],
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0
