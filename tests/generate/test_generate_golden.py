"""Golden files pin the Dockerfile, compose and env output for three differently shaped specs.

Update them only on purpose, then review the diff:
``PRODREADY_UPDATE_GOLDEN=1 pytest tests/generate/test_generate_golden.py``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from generate_support import CASES, GOLDEN, TARGETS, copy_case

from prodready.generate import generate

UPDATE = os.environ.get("PRODREADY_UPDATE_GOLDEN") == "1"


def _managed(project: Path, result_paths: list[str]) -> dict[str, str]:
    return {rel: (project / rel).read_text(encoding="utf-8") for rel in result_paths}


@pytest.mark.parametrize("case", CASES)
def test_generated_files_match_the_golden_files(case: str, tmp_path: Path) -> None:
    project = copy_case(case, tmp_path)
    result = generate(project, only=TARGETS)
    produced = _managed(project, list(result.rendered.files))
    expected_dir = GOLDEN / case / "expected"
    if UPDATE:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for rel, text in produced.items():
            (expected_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / rel).write_text(text, encoding="utf-8")
    expected = {
        str(path.relative_to(expected_dir)): path.read_text(encoding="utf-8")
        for path in sorted(expected_dir.rglob("*"))
        if path.is_file()
    }
    assert sorted(produced) == sorted(expected)
    for rel, text in produced.items():
        assert text == expected[rel], f"{case}/{rel} differs from its golden file"


def test_the_three_issue_shapes_are_covered() -> None:
    assert {"pg-redis-web", "kafka-redis-pg-workers", "celery-rabbitmq"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_regenerating_writes_nothing(case: str, tmp_path: Path) -> None:
    project = copy_case(case, tmp_path)
    generate(project, only=TARGETS)
    before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    second = generate(project, only=TARGETS)
    assert second.written == ()
    assert {path: path.read_bytes() for path in project.rglob("*") if path.is_file()} == before
