"""The engine: suppressions (inline, annotation, config), PR000-PR002, selection, containment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lint_helpers import write_tree

from prodready.lint import (
    Hit,
    Layer,
    Rule,
    Severity,
    check,
    default_registry,
    load_project,
    run_rules,
    selected_rules,
)

UNPINNED = "FROM python\nUSER 10001\n"


def _run(root: Path, files: dict[str, str], **options: object) -> list[tuple[str, int, str]]:
    write_tree(root, files)
    report = check([root], **options)  # type: ignore[arg-type]
    return [(f.rule.id, f.location.line, f.message) for f in report.findings]


def test_pr000_reports_malformed_yaml_with_its_line(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n"
    found = _run(tmp_path, {"cm.yaml": text}, select=("PR000",))
    assert [(rule, line) for rule, line, _ in found] == [("PR000", 5)]
    assert "invalid YAML" in found[0][2]


def test_pr000_reports_a_compose_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    found = _run(tmp_path, {"compose.yaml": "- just\n- a list\n"}, select=("PR000",))
    assert [rule for rule, _, _ in found] == ["PR000"]


def test_pr000_reports_a_dockerfile_without_from(tmp_path: Path) -> None:
    found = _run(tmp_path, {"Dockerfile": "RUN echo hi\n"}, select=("PR000",))
    assert "no FROM" in found[0][2]


def test_a_crashing_rule_becomes_a_pr003_finding_and_the_others_still_run(tmp_path: Path) -> None:
    def explode(project: object) -> Iterator[Hit]:
        raise ValueError("boom")
        yield  # pragma: no cover

    broken = Rule("PR999", "explodes", Layer.GENERAL, Severity.INFO, "x.", "y.", "z.", explode)
    registry = default_registry(plugins=False)
    registry.register(broken)
    write_tree(tmp_path, {"Dockerfile": UNPINNED})
    report = run_rules(load_project([tmp_path]), selected_rules(registry, ("PR102", "PR999")))
    assert [f.rule.id for f in report.findings] == ["PR003", "PR102"]
    assert "PR999" in report.findings[0].message
    assert "boom" in report.findings[0].message


def test_inline_comment_on_the_line_suppresses(tmp_path: Path) -> None:
    text = "FROM python  # prodready: ignore[PR102] pinned by renovate at build time\nUSER 1\n"
    write_tree(tmp_path, {"Dockerfile": text})
    report = check([tmp_path], select=("PR102", "PR001"))
    assert report.findings == []
    assert report.suppressed == 1


def test_inline_comment_alone_suppresses_the_next_line(tmp_path: Path) -> None:
    text = "# prodready: ignore[dockerfile-base-image-unpinned] a local dev image\nFROM python\n"
    assert _run(tmp_path, {"Dockerfile": text}, select=("PR102", "PR001")) == []


def test_kubernetes_annotation_suppresses_findings_inside_the_object(tmp_path: Path) -> None:
    text = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          annotations:
            ignore.prodready.dev/PR302: "tag injected by the deploy pipeline"
        spec:
          containers: [{name: c, image: app}]
        """
    assert _run(tmp_path, {"pod.yaml": text}, select=("PR302", "PR001")) == []


def test_config_per_file_ignores_suppress_matching_files(tmp_path: Path) -> None:
    found = _run(
        tmp_path,
        {"dev/Dockerfile": UNPINNED},
        select=("PR102", "PR001"),
        per_file_ignores={"dev/*": ["PR102"]},
    )
    assert found == []


def test_unused_suppressions_are_reported_as_pr001(tmp_path: Path) -> None:
    text = "FROM python:3.12  # prodready: ignore[PR102] was unpinned once\nUSER 1\n"
    found = _run(tmp_path, {"Dockerfile": text}, select=("PR102", "PR001"))
    assert [(rule, line) for rule, line, _ in found] == [("PR001", 1)]


def test_unused_config_entries_are_reported_as_pr001(tmp_path: Path) -> None:
    found = _run(
        tmp_path,
        {"Dockerfile": "FROM python:3.12\n"},
        select=("PR102", "PR001"),
        per_file_ignores={"*.yaml": ["PR102"]},
    )
    assert [rule for rule, _, _ in found] == ["PR001"]


def test_suppressions_without_a_reason_are_reported_as_pr002(tmp_path: Path) -> None:
    text = "FROM python  # prodready: ignore[PR102]\n"
    found = _run(tmp_path, {"Dockerfile": text}, select=("PR102", "PR002"))
    assert [rule for rule, _, _ in found] == ["PR002"]


def test_suppressions_of_unselected_rules_are_not_called_unused(tmp_path: Path) -> None:
    text = "FROM python  # prodready: ignore[PR102] dev only\n"
    assert _run(tmp_path, {"Dockerfile": text}, select=("PR101", "PR001")) == [
        ("PR101", 1, "the final stage sets no USER, so the container runs as root")
    ]


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        (("PR1",), (), {"PR101", "PR102"}),
        ((), ("PR101",), {"PR102"}),
        (("dockerfile-runs-as-root",), (), {"PR101"}),
    ],
)
def test_select_and_ignore_take_ids_slugs_and_prefixes(
    tmp_path: Path, select: tuple[str, ...], ignore: tuple[str, ...], expected: set[str]
) -> None:
    found = _run(tmp_path, {"Dockerfile": "FROM python\n"}, select=select, ignore=ignore)
    assert {rule for rule, _, _ in found} == expected


def test_findings_are_sorted_by_file_then_line(tmp_path: Path) -> None:
    files = {"b/Dockerfile": "FROM python\n", "a/Dockerfile": "FROM python\n"}
    found = _run(tmp_path, files, select=("PR101", "PR102"))
    assert [rule for rule, _, _ in found] == ["PR101", "PR102", "PR101", "PR102"]
