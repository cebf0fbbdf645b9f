"""``prodready generate``: exit codes, --check, --force, and nothing written on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from generate_support import copy_case

from prodready.cli import main
from prodready.errors import SpecError
from prodready.generate import Target, TargetRegistry, generate
from prodready.spec import ServiceSpec

ONLY = ["--only", "docker", "compose", "env"]


def _files(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_case("pg-redis-web", tmp_path)


def test_generate_writes_files_and_a_second_run_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", str(project), *ONLY]) == 0
    for name in ("Dockerfile", ".dockerignore", "compose.yaml", "compose.prod.yaml", ".env"):
        assert (project / name).is_file(), name
    before = _files(project)
    capsys.readouterr()
    assert main(["generate", str(project), *ONLY]) == 0
    assert "0 written" in capsys.readouterr().err
    assert _files(project) == before


def test_check_passes_when_up_to_date_and_fails_with_a_diff_on_drift(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", str(project), *ONLY]) == 0
    assert main(["generate", str(project), "--check", *ONLY]) == 0
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('LOG_LEVEL = "info"', 'LOG_LEVEL = "debug"'))
    before = _files(project)
    capsys.readouterr()
    assert main(["generate", str(project), "--check", *ONLY]) == 1
    captured = capsys.readouterr()
    assert "compose.yaml" in captured.err
    assert "+      LOG_LEVEL: debug" in captured.out
    assert _files(project) == before


def test_check_on_a_fresh_project_reports_missing_files(project: Path) -> None:
    assert main(["generate", str(project), "--check", *ONLY]) == 1
    assert not (project / "Dockerfile").exists()


def test_a_hand_edited_file_stops_generate_until_force(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", str(project), *ONLY]) == 0
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "LABEL mine=yes\n")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"info"', '"debug"'))
    before = _files(project)
    capsys.readouterr()
    assert main(["generate", str(project), *ONLY]) == 1
    captured = capsys.readouterr()
    assert "edited by hand: Dockerfile" in captured.err
    assert "-LABEL mine=yes" in captured.out
    assert _files(project) == before  # compose.yaml would change too, but nothing is written
    assert main(["generate", str(project), "--force", *ONLY]) == 0
    assert "LABEL mine=yes" not in dockerfile.read_text()
    assert "debug" in (project / "compose.yaml").read_text()


def test_dot_env_keeps_its_values_and_gains_only_the_keys_it_lacks(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", str(project), *ONLY]) == 0
    (project / ".env").write_text("POSTGRES_PASSWORD=mine\n")
    capsys.readouterr()
    assert main(["generate", str(project), "--force", *ONLY]) == 0
    lines = (project / ".env").read_text().splitlines()
    assert lines[0] == "POSTGRES_PASSWORD=mine"
    added = [line.split("=", 1)[0] for line in lines[1:] if not line.startswith("#")]
    assert "GRAFANA_ADMIN_PASSWORD" in added
    assert "POSTGRES_PASSWORD" not in added
    err = capsys.readouterr().err
    assert "extend  .env (adds " in err
    assert "mine" not in err


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        (('name = "shop"\napp', 'name = "shop"\nservr = {}\napp'), "unknown key 'servr'"),
        (('version = "17.2"', 'verison = "17.2"'), "did you mean 'version'?"),
        (('app = "shop.main:app"', 'app = "shop.main"'), "tool.prodready.app"),
        (("[tool.prodready.ingress]", "[tool.prodready.ingress"), "not valid TOML"),
        (('python = "3.12"', 'python = "2.7"'), "tool.prodready.python"),
    ],
)
def test_bad_spec_exits_2_with_file_field_and_fix_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], replace: tuple[str, str], expected: str
) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    assert replace[0] in text
    pyproject.write_text(text.replace(replace[0], replace[1], 1))
    before = _files(project)
    assert main(["generate", str(project)]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "pyproject.toml" in err
    assert "fix:" in err
    assert "Traceback" not in err
    assert _files(project) == before


def test_missing_spec_table_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert main(["generate", str(tmp_path)]) == 2
    assert "prodready init" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml"]


def test_unknown_target_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", str(project), "--only", "helm"]) == 2
    assert "unknown target" in capsys.readouterr().err


def test_list_names_the_targets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--list"]) == 0
    out = capsys.readouterr().out
    for name in ("docker", "compose", "env"):
        assert f"{name}:" in out


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        (
            ('app = "shop.main:app"', 'app = "shop.mian:app"'),
            "app module 'shop.mian' does not exist",
        ),
        (
            ('app = "shop.main:app"', 'app = "shop.main:application"'),
            "no module-level 'application'",
        ),
        (('source_dir = "src"', 'source_dir = "lib"'), "does not exist"),
    ],
)
def test_an_app_that_cannot_be_found_exits_2_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], replace: tuple[str, str], expected: str
) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(*replace, 1))
    before = _files(project)
    assert main(["generate", str(project)]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "tool.prodready.app" in err
    assert "fix:" in err
    assert _files(project) == before


def test_a_targets_spec_error_names_the_spec_file_and_nothing_is_written(project: Path) -> None:
    def refuse(spec: ServiceSpec) -> dict[str, str]:
        raise SpecError("needs a production host", location="tool.prodready.environments")

    registry = TargetRegistry(
        [Target("fine", lambda spec: {"fine.yaml": "a: 1\n"}), Target("refuses", refuse)]
    )
    before = _files(project)
    with pytest.raises(SpecError) as info:
        generate(project, registry=registry)
    assert info.value.path == str(project / "pyproject.toml")
    assert _files(project) == before


def test_generate_warns_when_dot_env_is_not_git_ignored(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", str(project), *ONLY]) == 0
    assert "not in .gitignore" in capsys.readouterr().err
    (project / ".gitignore").write_text(".env\n")
    assert main(["generate", str(project), *ONLY]) == 0
    assert "not in .gitignore" not in capsys.readouterr().err
