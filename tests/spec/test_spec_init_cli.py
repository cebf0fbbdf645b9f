"""``prodready init``: writes the detected spec, keeps the file's formatting, refuses bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prodready.cli import main
from prodready.spec import load_spec

FIXTURES = Path(__file__).parent / "fixtures"


def _copy(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / name, tmp_path / name))


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}


def test_init_yes_writes_a_loadable_spec_and_keeps_comments(tmp_path: Path) -> None:
    project = _copy("full-stack-fastapi-template", tmp_path)
    assert main(["init", str(project), "--yes"]) == 0
    text = (project / "pyproject.toml").read_text()
    assert text.startswith("# Modelled on fastapi/full-stack-fastapi-template")
    assert "[tool.prodready]" in text
    spec = load_spec(project)
    assert spec.app == "app.main:app"
    assert "postgres" in spec.services


def test_init_then_generate_produces_the_stack(tmp_path: Path) -> None:
    project = _copy("fastapi-alembic-sqlmodel-async", tmp_path)
    assert main(["init", str(project), "--yes"]) == 0
    assert main(["generate", str(project), "--only", "docker", "compose", "env"]) == 0
    compose = (project / "compose.yaml").read_text()
    assert "celery" in compose
    assert "service_completed_successfully" in compose


def test_init_writes_prodready_toml_when_there_is_no_pyproject(tmp_path: Path) -> None:
    project = _copy("src-layout-requirements", tmp_path)
    assert main(["init", str(project), "--yes"]) == 0
    assert load_spec(project).source_dir == "src"
    assert (project / "prodready.toml").is_file()


def test_init_refuses_to_replace_an_existing_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy("fastapi-realworld-example-app", tmp_path)
    assert main(["init", str(project), "--yes"]) == 0
    before = _snapshot(project)
    assert main(["init", str(project), "--yes"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert _snapshot(project) == before
    assert main(["init", str(project), "--yes", "--force"]) == 0


def test_init_without_an_app_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy("no-app", tmp_path)
    before = _snapshot(project)
    assert main(["init", str(project), "--yes"]) == 2
    err = capsys.readouterr().err
    assert "cannot find the ASGI app" in err
    assert "tool.prodready.app" in err
    assert "fix:" in err
    assert _snapshot(project) == before


def test_init_on_unparsable_pyproject_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x\n')
    assert main(["init", str(tmp_path), "--yes"]) == 2
    err = capsys.readouterr().err
    assert "pyproject.toml:2" in err
    assert (tmp_path / "pyproject.toml").read_text() == '[project]\nname = "x\n'


def test_init_without_yes_and_no_terminal_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _copy("full-stack-fastapi-template", tmp_path)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    before = _snapshot(project)
    assert main(["init", str(project)]) == 2
    assert "--yes" in capsys.readouterr().err
    assert _snapshot(project) == before


def test_init_json_shows_the_plan_without_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy("full-stack-fastapi-template", tmp_path)
    before = _snapshot(project)
    assert main(["init", str(project), "--json"]) == 0
    assert '"app": "app.main:app"' in capsys.readouterr().out
    assert _snapshot(project) == before
