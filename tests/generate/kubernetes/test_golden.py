"""Golden files pin the generated tree of each shape; update with PRODREADY_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from k8s_support import SHAPE_IDS, SHAPES, Shape, load

from prodready.generate.targets.kubernetes import render

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("PRODREADY_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_rendered_files_match_the_golden_files(shape: Shape) -> None:
    files = dict(render(load(shape.spec_file), shape.options))
    folder = GOLDEN / shape.name
    if UPDATE:
        shutil.rmtree(folder, ignore_errors=True)
        for path, text in files.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    on_disk = {
        str(path.relative_to(folder)): path.read_text()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    assert sorted(on_disk) == sorted(files), "file list changed: PRODREADY_UPDATE_GOLDEN=1"
    for path, text in files.items():
        assert on_disk[path] == text, f"{path} changed: review, then PRODREADY_UPDATE_GOLDEN=1"


def test_rendering_is_deterministic() -> None:
    spec = load("gateway.toml")
    assert render(spec) == render(spec)
