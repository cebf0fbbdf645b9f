"""Detection agrees with the hand-written spec of every example service in examples/."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodready.spec import detect_project, load_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WITH_SPEC = sorted(
    path.name
    for path in EXAMPLES.glob("*")
    if (path / "pyproject.toml").is_file()
    and "[tool.prodready]" in (path / "pyproject.toml").read_text()
)


@pytest.mark.parametrize("example", WITH_SPEC)
def test_detection_finds_the_examples_app_and_services(example: str) -> None:
    declared = load_spec(EXAMPLES / example)
    detected = detect_project(EXAMPLES / example).spec
    assert detected.app == declared.app
    assert {s.kind for s in detected.services.values()} == {
        s.kind for s in declared.services.values()
    }
    assert detected.package_manager == declared.package_manager
