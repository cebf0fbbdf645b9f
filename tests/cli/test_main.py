from __future__ import annotations

import subprocess
import sys

import pytest

from prodready import __version__
from prodready.cli import main
from prodready.errors import SpecError


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"prodready {__version__}"


def test_help_lists_the_description(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "[tool.prodready]" in capsys.readouterr().out


def test_unknown_option_exits_2_with_a_fix(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--definitely-not-an-option"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments" in err
    assert "fix:" in err


def test_console_script_runs_as_a_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "prodready", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"prodready {__version__}"


def test_error_message_names_file_field_expectation_and_fix() -> None:
    err = SpecError(
        "unknown key 'prot'",
        path="pyproject.toml",
        location="tool.prodready.prot",
        expected="one of the spec's keys",
        hint="did you mean 'port'?",
    )
    assert str(err).splitlines() == [
        "pyproject.toml: tool.prodready.prot: unknown key 'prot'",
        "  expected: one of the spec's keys",
        "  fix: did you mean 'port'?",
    ]
    assert err.exit_code == 2
