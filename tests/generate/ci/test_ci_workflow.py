"""The ci target: golden files, the GitHub workflow schema, pinning, permissions, services."""

from __future__ import annotations

import functools
import importlib.resources
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from prodready.catalog import Connection, default_catalog
from prodready.generate.targets import ci
from prodready.spec import ServiceSpec, load_spec, parse_spec

SPECS = Path(__file__).parent.parent / "monitoring" / "specs"
SPEC_NAMES = tuple(sorted(path.stem for path in SPECS.glob("*.toml")))
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
# Golden files pin the test specs; the property tests also run on the reference services.
CASES = SPEC_NAMES + tuple(
    sorted(f"example:{path.parent.name}" for path in EXAMPLES.glob("*/pyproject.toml"))
)
GOLDEN = Path(__file__).parent / "golden"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
SHA = re.compile(r"^[0-9a-f]{40}$")
# The widest permission each job may hold.
ALLOWED = {
    "lint": {},
    "test": {},
    "prodready": {"contents": "read", "security-events": "write"},
    "image": {"contents": "read", "packages": "write", "security-events": "write"},
    "deploy": {"contents": "read"},
}


def _spec(name: str) -> ServiceSpec:
    if name.startswith("example:"):
        return load_spec(EXAMPLES / name.removeprefix("example:"))
    with (SPECS / f"{name}.toml").open("rb") as handle:
        return parse_spec(tomllib.load(handle))


def _workflow(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(ci.render(_spec(name))[ci.WORKFLOW_PATH])
    return loaded


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_workflow_matches_golden(name: str) -> None:
    text = ci.render(_spec(name))[ci.WORKFLOW_PATH]
    golden = GOLDEN / f"{name}.yml"
    if os.environ.get("PRODREADY_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == text


@functools.cache
def _workflow_schema() -> jsonschema.protocols.Validator:
    """check-jsonschema's vendored GitHub Actions workflow schema (SchemaStore's)."""
    text = (
        importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
        .joinpath("github-workflows.json")
        .read_text(encoding="utf-8")
    )
    schema = json.loads(text)
    validator: jsonschema.protocols.Validator = jsonschema.validators.validator_for(schema)(schema)
    return validator


def _schema_errors(document: dict[str, Any]) -> list[str]:
    return [error.message for error in _workflow_schema().iter_errors(document)]


@pytest.mark.parametrize("name", CASES)
def test_workflow_validates_against_the_github_actions_schema(name: str) -> None:
    assert _schema_errors(_workflow(name)) == []


def test_the_schema_check_rejects_a_broken_workflow() -> None:
    """The validation above can fail: a job without runs-on or steps is refused."""
    broken = _workflow("shop")
    del broken["jobs"]["lint"]["runs-on"]
    broken["jobs"]["lint"]["steps"] = "not a list"
    assert _schema_errors(broken) != []


def test_the_cli_validator_agrees_on_the_written_file(tmp_path: Path) -> None:
    """The same check through check-jsonschema's command line, on the file as written."""
    path = tmp_path / "ci.yml"
    path.write_text(ci.render(_spec("shop"))[ci.WORKFLOW_PATH], encoding="utf-8")
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", CASES)
def test_every_action_is_pinned_by_a_full_commit_sha_with_its_tag(name: str) -> None:
    text = ci.render(_spec(name))[ci.WORKFLOW_PATH]
    uses = [step["uses"] for step in _steps(_workflow(name)) if "uses" in step]
    assert uses
    for reference in uses:
        repo, _, sha = reference.partition("@")
        assert SHA.match(sha), reference
        assert ci.ACTIONS[repo].sha == sha
        assert f"uses: {reference} # {ci.ACTIONS[repo].tag}\n" in text


@pytest.mark.parametrize("name", CASES)
def test_permissions_are_read_only_by_default_and_widened_per_job(name: str) -> None:
    workflow = _workflow(name)
    assert workflow["permissions"] == {"contents": "read"}
    for job_name, job in workflow["jobs"].items():
        granted = job.get("permissions", {})
        assert set(granted.items()) <= set(ALLOWED[job_name].items()), job_name
    for step in _steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("name", CASES)
def test_no_expression_is_inlined_into_a_shell_script(name: str) -> None:
    """Template injection: values reach ``run`` through ``env``, never ``${{ }}`` in the script."""
    for step in _steps(_workflow(name)):
        assert "${{" not in step.get("run", ""), step["name"]


def _windows_args(options: str) -> list[str]:
    """Split like the runner hands options to Docker: double quotes group, ``\\"`` escapes."""
    args: list[str] = []
    current: list[str] = []
    quoted = False
    index = 0
    while index < len(options):
        char = options[index]
        if char == "\\" and options[index + 1 : index + 2] in ('"', "\\"):
            current.append(options[index + 1])
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == " " and not quoted:
            if current:
                args.append("".join(current))
                current = []
        else:
            current.append(char)
        index += 1
    if current:
        args.append("".join(current))
    return args


@pytest.mark.parametrize("name", CASES)
def test_service_containers_use_the_catalogue_image_and_health_command(name: str) -> None:
    spec = _spec(name)
    catalog = default_catalog()
    test_job = _workflow(name)["jobs"]["test"]
    scripts = "\n".join(step.get("run", "") for step in test_job["steps"])
    for service_name, service in spec.services.items():
        entry = catalog.get(service.kind)
        local = Connection(
            "localhost", entry.port, entry.default_user, spec.database_name(service_name)
        )
        image = entry.image_ref(service.version, service.extensions)
        health = ci.shell_command(entry.health_command(local))
        if entry.command is None:
            container = test_job["services"][service_name]
            assert container["image"] == image
            args = _windows_args(container["options"])
            assert args[args.index("--health-cmd") + 1] == health
            assert container["ports"] == [f"{entry.port}:{entry.port}"]
        else:
            # GitHub service containers cannot take a command: started with docker run instead.
            assert f"docker run -d --name {service_name} " in scripts
            assert image in scripts
            assert f"--health-cmd {shlex.quote(health)}" in scripts
            if entry.user is not None:
                assert f"--user {entry.user} " in scripts


@pytest.mark.parametrize("name", CASES)
def test_the_app_under_test_reaches_every_service_on_localhost(name: str) -> None:
    spec = _spec(name)
    env = _workflow(name)["jobs"]["test"]["env"]
    for secret in spec.secrets:
        assert env[secret] == ci.CI_SECRET
    for key, value in env.items():
        if key.endswith(("_URL", "_URI", "_SERVERS")):
            assert "localhost" in value, key
            assert "${" not in value.replace("${{", ""), key


def test_deploy_runs_only_on_main_pins_the_digest_and_reruns_the_migration() -> None:
    workflow = _workflow("shop")
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == ["image"]
    assert deploy["environment"] == "production"
    assert "refs/heads/main" in deploy["if"]
    script = deploy["steps"][-1]["run"]
    assert "digest: ${DIGEST}" in script
    assert f"../{ci.DEPLOY_OVERLAY.removeprefix('deploy/k8s/')}" in script
    assert script.index("delete job/shop-migrate") < script.index("kubectl apply")
    assert script.index("wait --for=condition=complete") < script.index("rollout status")
    assert deploy["steps"][-1]["env"]["DIGEST"] == "${{ needs.image.outputs.digest }}"
    push = next(s for s in workflow["jobs"]["image"]["steps"] if s.get("id") == "push")
    assert push["if"] == deploy["if"]


def test_a_spec_without_migrations_deploys_without_a_migration_job() -> None:
    script = _workflow("immune-core")["jobs"]["deploy"]["steps"][-1]["run"]
    assert "migrate" not in script


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("shop", "python -m pip install -r requirements.txt"),
        ("immune-core", "uv export --locked"),
        ("hitl-review", "poetry install --no-interaction --no-root"),
    ],
)
def test_dependencies_install_with_the_spec_package_manager(name: str, expected: str) -> None:
    assert any(expected in command for command in ci.install_commands(_spec(name)))


def test_a_service_health_option_survives_the_runner_quoting_and_runs(
    postgres_server: Any,
) -> None:
    """The --health-cmd the runner hands Docker, run as Docker runs it (``sh -c``), passes
    against a real PostgreSQL (PGPORT points pg_isready at the test server's port)."""
    options = _workflow("shop")["jobs"]["test"]["services"]["postgres"]["options"]
    args = _windows_args(options)
    command = args[args.index("--health-cmd") + 1]
    env = {**os.environ, "PGPORT": str(postgres_server.port)}
    healthy = subprocess.run(["sh", "-c", command], env=env, timeout=30, check=False)
    assert healthy.returncode == 0
    env["PGPORT"] = "1"  # nothing listens there: the same command must now fail
    down = subprocess.run(
        ["sh", "-c", command], env=env, timeout=30, check=False, capture_output=True
    )
    assert down.returncode != 0
