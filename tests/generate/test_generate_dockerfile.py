"""The generated Dockerfile: hadolint-clean, and agreeing with the spec and the contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from generate_support import CASES, GOLDEN, hadolint

from prodready import _contract as contract
from prodready.generate import add_header
from prodready.generate.targets.docker import TARGET, server_argv
from prodready.spec import CACHE_DIR, ServiceSpec, detect_project, load_spec, parse_spec

BASE = {"name": "svc", "app": "svc.main:app"}
VARIANTS: dict[str, dict[str, object]] = {
    "pip-project": {},
    "pip-requirements": {"build": {"requirements": "requirements.txt"}},
    "uv-src-layout": {"package_manager": "uv", "source_dir": "src"},
    "poetry-gunicorn": {"package_manager": "poetry", "server": {"kind": "gunicorn"}},
    "pdm-volume": {"package_manager": "pdm", "volumes": {"data": {"path": "/app/data"}}},
    "apt-and-bake": {
        "build": {
            "apt": ["libpq5=15.10-0+deb12u1"],
            "build_apt": ["gcc=4:12.2.0-3"],
            "files": [
                {
                    "url": "https://models.example.com/a/b/m.bin",
                    "sha256": "0" * 64,
                    "dest": "a/b/m.bin",
                }
            ],
            "run": ["python -m svc.warm", "python -c 'import svc'"],
        }
    },
}


def _dockerfile(spec: ServiceSpec) -> str:
    return add_header("Dockerfile", TARGET.render(spec)["Dockerfile"])


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", text)
    result = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            result.append((keyword.upper(), rest))
    return result


def _runtime(text: str) -> list[tuple[str, str]]:
    instructions = _instructions(text)
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


@pytest.mark.parametrize("case", CASES)
def test_golden_dockerfile_passes_hadolint_with_no_finding(case: str) -> None:
    result = hadolint(GOLDEN / case / "expected" / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_package_manager_variant_passes_hadolint(variant: str, tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(_dockerfile(parse_spec({**BASE, **VARIANTS[variant]})), encoding="utf-8")
    result = hadolint(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_hadolint_reports_a_bad_dockerfile(tmp_path: Path) -> None:
    """The hadolint wrapper really lints: an unpinned pip install is reported."""
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.12-slim\nRUN pip install flask\n", encoding="utf-8")
    result = hadolint(path)
    assert result.returncode != 0
    assert "DL3013" in result.stdout


@pytest.mark.parametrize("case", CASES)
def test_uid_home_port_and_health_path_agree_with_the_spec(case: str) -> None:
    spec = load_spec(GOLDEN / case / "input")
    runtime = _runtime((GOLDEN / case / "expected" / "Dockerfile").read_text(encoding="utf-8"))
    env = " ".join(args for keyword, args in runtime if keyword == "ENV")
    users = [args for keyword, args in runtime if keyword == "USER"]
    assert users[-1] == f"{contract.APP_UID}:{contract.APP_GID}"
    assert f"HOME={contract.APP_HOME}" in env
    assert f"XDG_CACHE_HOME={CACHE_DIR}" in env
    useradd = next(args for keyword, args in runtime if keyword == "RUN" and "useradd" in args)
    assert f"--uid {contract.APP_UID}" in useradd
    assert f"--home-dir {contract.APP_HOME}" in useradd
    assert ("EXPOSE", str(spec.port)) in runtime
    healthcheck = next(args for keyword, args in runtime if keyword == "HEALTHCHECK")
    assert f"http://127.0.0.1:{spec.port}{spec.probes.liveness}" in healthcheck
    cmd = json.loads(next(args for keyword, args in runtime if keyword == "CMD"))
    assert cmd == list(server_argv(spec))
    assert any(arg.endswith(str(spec.port)) for arg in cmd)
    assert cmd[cmd.index("--workers") + 1] == str(spec.workers)


def test_workers_in_the_command_follow_the_cpu_limit() -> None:
    spec = parse_spec({**BASE, "resources": {"cpu_limit": "3", "memory_limit": "1Gi"}})
    cmd = json.loads(next(a for k, a in _runtime(_dockerfile(spec)) if k == "CMD"))
    assert cmd[cmd.index("--workers") + 1] == "3"


def test_baked_files_land_in_the_cache_owned_by_the_app_user() -> None:
    spec = parse_spec({**BASE, **VARIANTS["apt-and-bake"]})
    runtime = _runtime(_dockerfile(spec))
    add = next(args for keyword, args in runtime if keyword == "ADD")
    assert f"--chown={contract.APP_UID}:{contract.APP_GID}" in add
    assert add.endswith(f"{CACHE_DIR}/a/b/m.bin")
    assert f"--checksum=sha256:{'0' * 64}" in add
    setup = next(args for keyword, args in runtime if keyword == "RUN" and "useradd" in args)
    for directory in (CACHE_DIR, f"{CACHE_DIR}/a", f"{CACHE_DIR}/a/b"):
        assert directory in setup.split("chown", 1)[1]
    # build commands run after USER, so their caches belong to the app user
    keywords = [keyword for keyword, _ in runtime]
    warm = next(i for i, (k, a) in enumerate(runtime) if k == "RUN" and "svc.warm" in a)
    assert keywords.index("USER") < warm


def test_no_recursive_chown_and_source_is_copied_last() -> None:
    text = _dockerfile(parse_spec({**BASE, **VARIANTS["pdm-volume"]}))
    assert "chown -R" not in text
    assert "/app/data" in next(a for k, a in _runtime(text) if k == "RUN" and "mkdir" in a)
    runtime = _runtime(text)
    assert runtime[-4][0] == "COPY"


def test_dockerfile_contains_no_secret_value_or_name() -> None:
    spec = parse_spec({**BASE, "secrets": ["SECRET_KEY"], "services": {"postgres": {}}})
    text = _dockerfile(spec)
    assert "SECRET_KEY" not in text
    assert "PASSWORD" not in text
    assert "DATABASE_URL" not in text


def test_syntax_directive_stays_the_first_line() -> None:
    text = _dockerfile(parse_spec(BASE))
    assert text.splitlines()[0] == "# syntax=docker/dockerfile:1.7"
    assert "prodready:generated" in text.splitlines()[2]


DETECT_FIXTURES = Path(__file__).resolve().parents[1] / "spec" / "fixtures"
PROJECTS = sorted(
    path.name for path in DETECT_FIXTURES.iterdir() if path.is_dir() and path.name != "no-app"
)


@pytest.mark.parametrize("project", PROJECTS)
def test_dockerfile_for_each_detected_project_passes_hadolint(project: str, tmp_path: Path) -> None:
    spec = detect_project(DETECT_FIXTURES / project).spec
    path = tmp_path / "Dockerfile"
    path.write_text(_dockerfile(spec), encoding="utf-8")
    result = hadolint(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""
