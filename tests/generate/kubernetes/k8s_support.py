"""Helpers for the kubernetes target tests: the spec shapes, rendering, kustomize, doc lookups."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from prodready.generate.targets.kubernetes import Options, render
from prodready.spec import ServiceSpec, load_spec, parse_spec

HERE = Path(__file__).resolve().parent
SPECS = HERE / "specs"
OVERLAYS = ("base", "overlays/dev", "overlays/prod")
ALL_OPTIONS = Options(
    headless_service=True, wait_for_dependencies=True, external_secret_store="vault-backend"
)


@dataclass(frozen=True)
class Shape:
    """A spec fixture plus the target options it is rendered with."""

    name: str
    spec_file: str
    options: Options = field(default_factory=Options)


SHAPES = (
    Shape("shop", "shop.toml"),
    Shape("immune-core", "immune-core.toml"),
    Shape("hitl-review", "hitl-review.toml"),
    Shape("gateway", "gateway.toml"),
    Shape("immune-core-options", "immune-core.toml", ALL_OPTIONS),
)
REPO = HERE.parents[2]
# The reference services in examples/ (one per seed system), rendered as they are committed.
EXAMPLES = tuple(
    Shape(f"example-{path.name}", f"examples/{path.name}")
    for path in sorted((REPO / "examples").iterdir())
    if (path / "pyproject.toml").exists()
)
ALL_SHAPES = SHAPES + EXAMPLES
SHAPE_IDS = [shape.name for shape in SHAPES]
ALL_SHAPE_IDS = [shape.name for shape in ALL_SHAPES]


def load(spec_file: str) -> ServiceSpec:
    if spec_file.startswith("examples/"):
        return load_spec(REPO / spec_file)
    return parse_spec(tomllib.loads((SPECS / spec_file).read_text()), path=SPECS / spec_file)


@dataclass(frozen=True)
class Rendered:
    """One shape: its spec, the generated files, and each overlay's ``kubectl kustomize`` output."""

    shape: Shape
    spec: ServiceSpec
    files: dict[str, str]
    root: Path
    docs: dict[str, list[dict[str, Any]]]

    def of(self, overlay: str, kind: str) -> list[dict[str, Any]]:
        return [doc for doc in self.docs[overlay] if doc["kind"] == kind]

    def one(self, overlay: str, kind: str, name: str) -> dict[str, Any]:
        matches = [doc for doc in self.of(overlay, kind) if doc["metadata"]["name"] == name]
        assert len(matches) == 1, f"{overlay}: expected one {kind} {name!r}, got {len(matches)}"
        return matches[0]


def kustomize(directory: Path) -> str:
    kubectl = shutil.which("kubectl")
    assert kubectl is not None, "kubectl is required (CI images ship it)"
    result = subprocess.run(
        [kubectl, "kustomize", str(directory)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"kubectl kustomize {directory} failed:\n{result.stderr}"
    return result.stdout


def render_shape(shape: Shape, root: Path) -> Rendered:
    spec = load(shape.spec_file)
    files = dict(render(spec, shape.options))
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    docs = {
        overlay: [
            doc
            for doc in yaml.safe_load_all(kustomize(root / "deploy/k8s" / overlay))
            if doc is not None
        ]
        for overlay in OVERLAYS
    }
    return Rendered(shape=shape, spec=spec, files=files, root=root, docs=docs)


def workloads(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every object with a pod template (Deployments, StatefulSets, Jobs)."""
    return [doc for doc in docs if doc["kind"] in {"Deployment", "StatefulSet", "Job"}]


def containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    spec = workload["spec"]["template"]["spec"]
    return [*spec.get("initContainers", []), *spec["containers"]]
