"""Every shape and overlay renders with kustomize, passes strict schemas and checkov."""

from __future__ import annotations

import functools
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate.utils as kv_utils
import pytest
import yaml
from k8s_support import OVERLAYS, Rendered
from kubernetes_validate import validate as kv_validate

REPO = Path(__file__).resolve().parents[3]
CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"
EXCEPTIONS_DOC = REPO / "docs" / "kubernetes-checkov-exceptions.md"
OLDEST_VERSION = (1, 30)
# Custom resources have no schema in kubernetes-validate; only these may appear.
CUSTOM_KINDS = {"ExternalSecret"}
SKIP_ANNOTATION = re.compile(r"^checkov\.io/skip\d+$")
_VALID: set[str] = set()


def _versions() -> list[str]:
    found = {
        version
        for version in kv_utils.all_versions()
        if tuple(int(part) for part in version.split(".")[:2]) >= OLDEST_VERSION
    }
    return sorted(found, key=lambda v: tuple(int(part) for part in v.split(".")))


@pytest.fixture(scope="module")
def cached_schemas() -> Iterator[None]:
    """kubernetes-validate re-reads its schema files for every document; read each once."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kv_utils, "schema_contents", functools.cache(kv_utils.schema_contents))
        yield


def test_validation_spans_kubernetes_1_30_to_the_newest_bundled_schema() -> None:
    versions = _versions()
    assert versions[0].startswith("1.30.")
    assert versions[-1] == kv_utils.latest_version()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_document_passes_strict_schema_validation_on_every_version(
    rendered: Rendered, overlay: str, cached_schemas: None
) -> None:
    for doc in rendered.docs[overlay]:
        key = json.dumps(doc, sort_keys=True)
        if doc["kind"] in CUSTOM_KINDS or key in _VALID:
            continue  # base objects reappear unchanged in both overlays: validate them once
        for version in _versions():
            try:
                kv_validate(doc, version, strict=True)
            except kv_utils.ValidationError as exc:
                name = f"{doc['kind']}/{doc['metadata']['name']}"
                pytest.fail(f"{rendered.shape.name} {overlay} {name} on {version}: {exc.message}")
        _VALID.add(key)


def test_only_known_custom_resources_are_generated(rendered: Rendered) -> None:
    builtin_groups = {"", "apps", "batch", "policy", "autoscaling", "networking.k8s.io"}
    for overlay in OVERLAYS:
        for doc in rendered.docs[overlay]:
            group = doc["apiVersion"].rpartition("/")[0]
            assert group in builtin_groups or doc["kind"] in CUSTOM_KINDS, doc["kind"]


@pytest.fixture(scope="module")
def checkov_report(
    rendered_shapes: dict[str, Rendered], tmp_path_factory: pytest.TempPathFactory
) -> list[dict[str, Any]]:
    """One checkov run over every shape's kustomize output (checkov starts slowly)."""
    assert CHECKOV.exists(), f"{CHECKOV} is missing: run scripts/install-test-deps"
    folder = tmp_path_factory.mktemp("checkov")
    for name, shape in rendered_shapes.items():
        for overlay in OVERLAYS:
            out = folder / f"{name}-{overlay.replace('/', '-')}.yaml"
            out.write_text(yaml.safe_dump_all(shape.docs[overlay], sort_keys=False))
    result = subprocess.run(
        [
            str(CHECKOV),
            "--directory",
            str(folder),
            "--framework",
            "kubernetes",
            "--output",
            "json",
            "--quiet",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"BC_SKIP_MAPPING": "TRUE", "PATH": "/usr/bin:/bin", "HOME": str(folder)},
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stdout)
    return report if isinstance(report, list) else [report]


def test_checkov_reports_no_failed_check(checkov_report: list[dict[str, Any]]) -> None:
    failed = [
        f"{check['check_id']} {check['resource']} ({check['file_path']})"
        for report in checkov_report
        for check in report["results"]["failed_checks"]
    ]
    summary = [report["summary"] for report in checkov_report]
    assert sum(part["passed"] for part in summary) > 0, "checkov scanned nothing"
    assert sum(part["parsing_errors"] for part in summary) == 0
    assert failed == []


def test_checkov_skips_carry_a_reason_listed_in_the_exceptions_doc(
    rendered_shapes: dict[str, Rendered],
) -> None:
    doc = EXCEPTIONS_DOC.read_text()
    for shape in rendered_shapes.values():
        for overlay in OVERLAYS:
            for resource in shape.docs[overlay]:
                annotations = resource["metadata"].get("annotations", {})
                for key, value in annotations.items():
                    if not SKIP_ANNOTATION.match(key):
                        continue
                    check, _, reason = value.partition("=")
                    assert len(reason) > 20, f"{check} on {resource['kind']} has no reason"
                    assert f"`{check}`" in doc, f"{check} is not listed in {EXCEPTIONS_DOC.name}"
