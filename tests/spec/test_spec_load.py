"""Loading the spec from pyproject.toml or prodready.toml, and the errors that name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodready.errors import SpecError
from prodready.spec import find_spec_file, load_spec

PYPROJECT = '[project]\nname = "svc"\n\n[tool.prodready]\nname = "svc"\napp = "svc.main:app"\n'


def test_loads_the_tool_table_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    assert load_spec(tmp_path).name == "svc"


def test_prodready_toml_wins_and_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "prodready.toml").write_text('name = "other"\napp = "other.main:app"\n')
    assert find_spec_file(tmp_path).name == "prodready.toml"
    assert load_spec(tmp_path).name == "other"


def test_errors_in_prodready_toml_use_bare_field_names(tmp_path: Path) -> None:
    (tmp_path / "prodready.toml").write_text('name = "svc"\napp = "svc.main:app"\nprot = 1\n')
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path)
    assert info.value.location == "prot"
    assert info.value.hint == "did you mean 'port'?"
    assert info.value.path is not None
    assert info.value.path.endswith("prodready.toml")


def test_unparsable_pyproject_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "svc\n')
    with pytest.raises(SpecError, match="not valid TOML") as info:
        load_spec(tmp_path)
    assert info.value.location == "2"
    assert "pyproject.toml:2" in str(info.value)


def test_missing_table_points_at_init(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "svc"\n')
    with pytest.raises(SpecError, match=r"no \[tool.prodready\] table") as info:
        load_spec(tmp_path)
    assert "prodready init" in (info.value.hint or "")


def test_a_directory_without_project_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"no pyproject\.toml or prodready\.toml"):
        load_spec(tmp_path)
    with pytest.raises(SpecError, match="no such project directory"):
        load_spec(tmp_path / "missing")


def test_error_locations_are_prefixed_with_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + "[tool.prodready.server]\nworkerz = 2\n")
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path)
    assert info.value.location == "tool.prodready.server.workerz"
    assert info.value.hint == "did you mean 'workers'?"


def test_checker_table_is_left_to_the_checker(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.prodready]\nname = "shop"\napp = "shop.main:app"\n'
        '[tool.prodready.check]\nignore = ["PR303"]\n'
    )
    assert load_spec(tmp_path).name == "shop"
