"""Loaders keep the file and line of every value and never raise on odd input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lint_helpers import write_tree

from prodready.lint import check, load_project
from prodready.lint.loaders._dockerfile import parse_dockerfile
from prodready.lint.loaders._kubernetes import cache_root
from prodready.lint.loaders._yaml import YamlError, load_all, loc

needs_kubectl = pytest.mark.skipif(
    shutil.which("kubectl") is None, reason="kubectl is not installed"
)


def test_yaml_mappings_and_sequences_know_their_lines() -> None:
    (doc,) = load_all("a:\n  b: 1\n  c:\n    - x\n    - y\n", "f.yaml")
    assert doc["a"].line_of("c") == 3
    assert loc(doc["a"]["c"], 1).line == 5
    assert loc(doc["a"]["c"], 1).path == "f.yaml"


def test_yaml_errors_carry_the_line() -> None:
    with pytest.raises(YamlError) as exc:
        list(load_all("a: 1\nb: [\n", "f.yaml"))
    assert exc.value.line == 3


def test_dockerfile_joins_continuations_and_keeps_the_first_line() -> None:
    text = (
        "FROM python:3.12 AS base\nRUN apt-get update \\\n  # a comment\n"
        '  && apt-get install -y curl\nCMD ["python"]\n'
    )
    parsed = parse_dockerfile(text, "Dockerfile")
    run = parsed.stages[0].all("RUN")[0]
    assert run.line == 2
    assert "install -y curl" in run.args
    assert parsed.stages[0].last("CMD").exec_form == ["python"]  # type: ignore[union-attr]


def test_dockerfile_reads_heredocs_as_one_instruction() -> None:
    text = "FROM alpine:3\nRUN <<EOF\napk add curl\nEOF\nUSER 1000\n"
    parsed = parse_dockerfile(text, "Dockerfile")
    assert [i.keyword for i in parsed.stages[0].instructions] == ["RUN", "USER"]
    assert parsed.stages[0].last("USER").line == 5  # type: ignore[union-attr]


def test_dockerfile_substitutes_global_args_in_from_and_follows_stages() -> None:
    text = 'ARG PY=3.12\nFROM python:${PY}-slim AS base\nUSER 10\nFROM base\nCMD ["x"]\n'
    parsed = parse_dockerfile(text, "Dockerfile")
    final = parsed.final
    assert final is not None
    assert parsed.base_image(final) == "python:3.12-slim"
    assert parsed.user(final).args == "10"  # type: ignore[union-attr]


def test_compose_merges_extends_override_and_env_files(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "base.yaml": "services:\n  common:\n    environment:\n      LOG_LEVEL: info\n",
            "compose.yaml": """
                services:
                  api:
                    extends: {file: base.yaml, service: common}
                    image: api:1
                    env_file: [api.env]
                    environment:
                      REDIS_HOST: redis
                """,
            "compose.override.yaml": "services:\n  api:\n    environment:\n      DEBUG: '1'\n",
            "api.env": "# comment\nDB_HOST=db\n",
        },
    )
    project = load_project([tmp_path])
    (compose,) = project.compose_files
    env = compose.services["api"].env
    assert set(env) == {"LOG_LEVEL", "DB_HOST", "REDIS_HOST", "DEBUG"}
    assert env["DB_HOST"].location.path.endswith("api.env")
    assert env["DB_HOST"].location.line == 2
    assert env["DEBUG"].location.path.endswith("compose.override.yaml")
    assert env["REDIS_HOST"].location.line == 7


def test_compose_interpolates_from_the_dot_env_file(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "compose.yaml": (
                "services:\n  a:\n    image: a:1\n    environment:\n      DB_HOST: ${DB_HOST:-db}\n"
            ),
            ".env": "DB_HOST=postgres\n",
        },
    )
    (compose,) = load_project([tmp_path]).compose_files
    assert compose.services["a"].env["DB_HOST"].value == "postgres"


def test_non_kubernetes_yaml_is_ignored(tmp_path: Path) -> None:
    write_tree(tmp_path, {".github/workflows/ci.yml": "on: push\n", "values.yaml": "replicas: 2\n"})
    report = check([tmp_path])
    assert report.findings == []


KUSTOMIZE = {
    "base/kustomization.yaml": "resources: [deploy.yaml]\n",
    "base/deploy.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers:
                - name: api
                  image: api
        """,
    "overlays/prod/kustomization.yaml": "resources: [../../base]\nnamePrefix: prod-\n",
}


@needs_kubectl
def test_kustomize_roots_are_rendered_and_mapped_to_their_source_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, KUSTOMIZE)
    monkeypatch.chdir(tmp_path)
    report = check([Path(".")], select=("PR302",))
    assert [(f.location.path, f.location.line) for f in report.findings] == [
        (str(Path("base/deploy.yaml")), 11)
    ]
    project = load_project([Path(".")])
    assert [o.name for g in project.groups for o in g.objects] == ["prod-api"]


def test_kustomize_without_kubectl_is_a_pr000_finding_and_files_are_read_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, KUSTOMIZE)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    report = check([tmp_path], select=("PR000", "PR302"))
    rules = sorted(f.rule.id for f in report.findings)
    assert rules == ["PR000", "PR302"]
    assert any("kubectl is not on PATH" in f.message for f in report.findings)


@pytest.mark.parametrize(
    "tree",
    [
        {
            "a/kustomization.yaml": "resources: [../b]\n",
            "b/kustomization.yaml": "resources: [../a]\n",
        },
        {"kustomization.yaml": "resources: [.]\n"},
    ],
    ids=["two-kustomizations", "itself"],
)
def test_a_kustomization_cycle_is_reported_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tree: dict[str, str]
) -> None:
    write_tree(tmp_path, tree)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # the in-process renderer names it
    report = check([tmp_path], select=("PR000",))
    assert [f.rule.id for f in report.findings] == ["PR000"]
    assert "cycle" in report.findings[0].message


def test_a_broken_kustomization_is_a_pr000_finding(tmp_path: Path) -> None:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed")
    write_tree(tmp_path, {"kustomization.yaml": "resources: [missing.yaml]\n"})
    report = check([tmp_path], select=("PR000",))
    assert [f.rule.id for f in report.findings] == ["PR000"]
    assert "kubectl kustomize failed" in report.findings[0].message


@needs_kubectl
def test_renders_are_cached_and_an_edit_invalidates_the_cache(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    write_tree(tree, KUSTOMIZE)
    first = load_project([tree])
    (cached,) = list(cache_root().glob("*.yaml"))
    cached.write_text(cached.read_text().replace("name: prod-api", "name: from-cache"))
    assert [o.name for g in load_project([tree]).groups for o in g.objects] == ["from-cache"]
    assert [o.name for g in load_project([tree], cache=False).groups for o in g.objects] == [
        "prod-api"
    ]
    (tree / "base" / "deploy.yaml").write_text(
        (tree / "base" / "deploy.yaml").read_text().replace("image: api", "image: api:2")
    )
    assert [o.name for g in load_project([tree]).groups for o in g.objects] == ["prod-api"]
    assert len(list(cache_root().glob("*.yaml"))) == 2
    assert first.groups


def test_a_kustomization_that_only_lists_files_needs_no_kubectl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {k: v for k, v in KUSTOMIZE.items() if k.startswith("base/")}
    files["kustomization.yaml"] = "resources: [base]\n"
    write_tree(tmp_path, files)
    monkeypatch.setenv("PATH", str(tmp_path / "no-kubectl"))
    report = check([tmp_path], select=("PR000", "PR302"))
    assert [(f.rule.id, Path(f.location.path).name, f.location.line) for f in report.findings] == [
        ("PR302", "deploy.yaml", 11)
    ]


def test_yaml_below_a_kustomization_that_it_does_not_name_is_still_checked(tmp_path: Path) -> None:
    files = {k: v for k, v in KUSTOMIZE.items() if k.startswith("base/")}
    files["kustomization.yaml"] = "resources: [base]\n"
    files["extra/job.yaml"] = (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n"
        "      containers: [{name: j, image: j}]\n"
    )
    write_tree(tmp_path, files)
    report = check([tmp_path], select=("PR302",))
    assert sorted(Path(f.location.path).name for f in report.findings) == [
        "deploy.yaml",
        "job.yaml",
    ]
