"""The example services' generated Dockerfile and compose files pass hadolint and the schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from generate_support import TARGETS, compose_schema, hadolint

from prodready.generate import generate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WITH_SPEC = sorted(
    path.name
    for path in EXAMPLES.glob("*")
    if (path / "pyproject.toml").is_file()
    and "[tool.prodready]" in (path / "pyproject.toml").read_text()
)


@pytest.mark.parametrize("example", WITH_SPEC)
def test_example_dockerfile_and_compose_files_are_valid(example: str, tmp_path: Path) -> None:
    project = tmp_path / example
    shutil.copytree(EXAMPLES / example, project, ignore=shutil.ignore_patterns("deploy", ".env*"))
    for name in ("Dockerfile", ".dockerignore", "compose.yaml", "compose.prod.yaml"):
        (project / name).unlink(missing_ok=True)
    generate(project, only=TARGETS)
    result = hadolint(project / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""
    for name in ("compose.yaml", "compose.prod.yaml"):
        document = yaml.safe_load((project / name).read_text())
        jsonschema.Draft201909Validator(compose_schema()).validate(document)
