"""The kustomization file, and the reading of every file it names.

:class:`Kustomization` is one kustomization, its fields checked against the subset;
:class:`Reader` reads and parses each file once for all the roots of a run, and refuses what
kubectl refuses (remote resources, files outside the kustomization's directory).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prodready.lint.loaders._kustomize._nodes import Map, copy
from prodready.lint.loaders._kustomize._unsupported import Unsupported
from prodready.lint.loaders._kustomize._values import load
from prodready.lint.loaders._yaml import YList

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

_FIELDS = frozenset(
    {
        "apiVersion", "kind", "metadata", "resources", "bases", "components", "namespace",
        "patches", "patchesStrategicMerge", "patchesJson6902", "images", "imageTags",
        "configMapGenerator", "secretGenerator", "generatorOptions", "replicas",
        "commonLabels", "labels", "commonAnnotations", "sortOptions",
    }
)  # fmt: skip


@dataclass
class Kustomization:
    directory: Path
    file: Path
    shown: str
    doc: Map

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind") or "Kustomization")

    def strings(self, key: str) -> list[str]:
        value = self.doc.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Unsupported(f"{key} that is not a list of strings", self.shown)
        return list(value)

    def items(self, key: str) -> list[Any]:
        value = self.doc.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise Unsupported(f"{key} that is not a list", self.shown)
        return list(value)

    def line_of(self, key: str, index: int | None = None) -> int:
        value = self.doc.get(key)
        if index is not None and isinstance(value, YList):
            return value.line_of(index)
        return self.doc.line_of(key)


def _kustomization_file(directory: Path) -> Path:
    found = [directory / n for n in KUSTOMIZATION_FILES if (directory / n).is_file()]
    if len(found) != 1:
        raise Unsupported(
            "a directory without a kustomization file"
            if not found
            else "a directory with several kustomization files",
            str(directory),
        )
    return found[0]


def _check_fields(doc: Map, where: str) -> None:
    for key, value in doc.items():
        if key not in _FIELDS and value not in (None, "", [], {}):
            raise Unsupported(f"the {key} field", where)
    kind = doc.get("kind") or "Kustomization"
    if kind not in ("Kustomization", "Component"):
        raise Unsupported(f"a kustomization of kind {kind!r}", where)
    expected = {
        "Kustomization": "kustomize.config.k8s.io/v1beta1",
        "Component": "kustomize.config.k8s.io/v1alpha1",
    }[str(kind)]
    if doc.get("apiVersion") not in (None, "", expected):
        raise Unsupported(f"the apiVersion {doc.get('apiVersion')!r}", where)
    sort = doc.get("sortOptions")
    if sort is not None and sort != {"order": "legacy"}:
        raise Unsupported("sortOptions other than the legacy order", where)
    namespace = doc.get("namespace")
    if namespace is not None and not isinstance(namespace, str):
        raise Unsupported("a namespace that is not a string", where)


class Reader:
    """Reads and parses the files of a run, each once. ``files`` holds the text of every file
    read, by resolved path; ``display`` names files in locations. :meth:`docs` hands out
    copies, so that a render may change them in place."""

    def __init__(self, display: Callable[[Path], str] = str) -> None:
        self.display = display
        self.files: dict[Path, str] = {}
        self._parsed: dict[Path, list[Any]] = {}
        self._real: dict[Path, Path] = {}

    def resolve(self, path: Path) -> Path:
        if path not in self._real:
            self._real[path] = path.resolve()
        return self._real[path]

    def read(self, path: Path, where: str) -> str:
        try:
            if path not in self.files:
                self.files[path] = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise Unsupported(f"the unreadable file {path.name}", where) from exc
        return self.files[path]

    def docs(self, path: Path, where: str) -> list[Any]:
        if path not in self._parsed:
            self._parsed[path] = load(self.read(path, where), self.display(path))
        return [copy(d) for d in self._parsed[path]]

    def local_file(self, k: Kustomization, entry: str) -> Path:
        """A file a kustomization names; kubectl refuses files outside its directory."""
        if "://" in entry or entry.startswith(("git@", "github.com/", "gitlab.com/")):
            raise Unsupported(f"the remote resource {entry}", k.shown)
        joined = Path(os.path.normpath(k.directory / entry))
        resolved = self.resolve(joined)
        if not joined.is_relative_to(k.directory) or not resolved.is_relative_to(k.directory):
            raise Unsupported(f"the file {entry} outside the kustomization directory", k.shown)
        return resolved

    def kustomization(self, directory: Path, expect: str) -> Kustomization:
        file = _kustomization_file(directory)
        shown = self.display(file)
        docs = load(self.read(file, shown), shown, v2=True)
        if len(docs) != 1 or not isinstance(docs[0], Map):
            raise Unsupported("a kustomization file that is not one mapping", shown)
        k = Kustomization(directory, file, shown, docs[0])
        _check_fields(k.doc, shown)
        if k.kind != expect:
            raise Unsupported(f"a {k.kind} where kustomize expects a {expect}", shown)
        return k
