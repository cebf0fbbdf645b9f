"""The renderer: a kustomization root's resources, bases and components accumulated, generated
and transformed, then finished the way kubectl prints them (kustomize's legacy order,
annotations as their source text, only values that read back as they were)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from prodready.lint.loaders._kustomize._generators import generate, hash_names
from prodready.lint.loaders._kustomize._kustomization import Kustomization, Reader
from prodready.lint.loaders._kustomize._namerefs import fix_references
from prodready.lint.loaders._kustomize._nodes import Map, delete_key, flow_blanks, metadata_of
from prodready.lint.loaders._kustomize._resources import Res, append, check_resource, split_gv
from prodready.lint.loaders._kustomize._transformers import transform
from prodready.lint.loaders._kustomize._unsupported import Unsupported
from prodready.lint.loaders._kustomize._values import timestamp_valid
from prodready.lint.loaders._yaml import YMap

_LEGACY_FIRST = (
    "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
    "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
    "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass",
    "PersistentVolume", "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob",
    "PodDisruptionBudget",
)  # fmt: skip
_LEGACY_ORDER = {
    **{kind: i - len(_LEGACY_FIRST) for i, kind in enumerate(_LEGACY_FIRST)},
    "MutatingWebhookConfiguration": 1,
    "ValidatingWebhookConfiguration": 2,
}
_PYYAML_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)"
    r"[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?"
)
_GO_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?"
    r"(?:Z|[-+][0-9]{2}:[0-9]{2})| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?)?"
)


def _legacy_key(res: Res) -> tuple[int, str, str]:
    group, version = split_gv(res.api_version)
    gvk = "_".join((group or "~G", version or "~V", res.kind or "~K"))
    return (
        _LEGACY_ORDER.get(res.kind, 0),
        gvk,
        f"{res.namespace or '~X'}|{res.name or '~N'}",
    )


def _check_output(value: Any, where: str) -> None:
    """Strings kubectl prints bare that prodready would not read back as strings; blank values
    in flow mappings become the empty strings kubectl prints."""
    if isinstance(value, dict):
        if isinstance(value, Map):
            flow_blanks(value)
        for key, item in value.items():
            _check_output(key, where)
            _check_output(item, where)
    elif isinstance(value, list):
        for item in value:
            _check_output(item, where)
    elif (isinstance(value, str) and value[:1].isdigit()) or value == "=":
        if value == "=":
            raise Unsupported("the value '='", where)
        if _PYYAML_TIMESTAMP.fullmatch(value) and not (
            _GO_TIMESTAMP.fullmatch(value) and timestamp_valid(value)
        ):
            raise Unsupported(f"the value {value!r}", where)


class Renderer:
    """Renders kustomization roots in-process (:meth:`render`); one instance shares what it
    reads and parses between the roots of a run (its :class:`Reader`). ``files`` holds the text
    of every file read, by resolved path; ``display`` names files in locations."""

    def __init__(self, display: Callable[[Path], str] = str) -> None:
        self.display = display
        self.reader = Reader(display)

    @property
    def files(self) -> dict[Path, str]:
        """The text of every file read, by resolved path."""
        return self.reader.files

    def render(self, directory: Path) -> list[YMap]:
        """The documents ``kubectl kustomize directory`` prints; :class:`Unsupported` for
        anything outside the subset and for anything kustomize would refuse."""
        directory = self.reader.resolve(directory)
        k = self.reader.kustomization(directory, "Kustomization")
        resources = self._target(k, [], (directory,))
        hash_names(resources, k.shown)
        fix_references(resources, k.shown)
        for res in resources:
            self._finish(res)
        resources.sort(key=_legacy_key)
        return [res.doc for res in resources]

    def _target(self, k: Kustomization, acc: list[Res], stack: tuple[Path, ...]) -> list[Res]:
        for entry in k.strings("resources") + k.strings("bases"):
            self._resource(k, entry, acc, stack)
        generate(self.reader, k, acc)
        for entry in k.strings("components"):
            directory = self._directory(k, entry, stack)
            component = self.reader.kustomization(directory, "Component")
            self._target(component, acc, (*stack, directory))
        transform(self.reader, k, acc)
        return acc

    def _directory(self, k: Kustomization, entry: str, stack: tuple[Path, ...]) -> Path:
        if "://" in entry or entry.startswith(("git@", "github.com/", "gitlab.com/")):
            raise Unsupported(f"the remote resource {entry}", k.shown)
        directory = self.reader.resolve(k.directory / entry)
        if not directory.is_dir():
            raise Unsupported(f"the missing resource {entry}", k.shown)
        if directory in stack:
            raise Unsupported(f"a kustomization cycle through {entry}", k.shown)
        return directory

    def _resource(
        self, k: Kustomization, entry: str, acc: list[Res], stack: tuple[Path, ...]
    ) -> None:
        candidate = self.reader.resolve(k.directory / entry)
        if candidate.is_file():
            path = self.reader.local_file(k, entry)
            docs = self._expand(self.reader.docs(path, k.shown), self.display(path))
            append(acc, [Res(doc) for doc in docs], k)
            return
        directory = self._directory(k, entry, stack)
        sub = self.reader.kustomization(directory, "Kustomization")
        append(acc, self._target(sub, [], (*stack, directory)), k)

    @staticmethod
    def _expand(docs: list[Any], where: str) -> Iterator[Map]:
        for doc in docs:
            if doc is None:
                continue
            if isinstance(doc, dict) and isinstance(doc.get("kind"), str):
                if doc["kind"] == "List" and isinstance(doc.get("items"), list):
                    for item in doc["items"]:
                        yield check_resource(item, where)
                    continue
                if doc["kind"].endswith("List"):
                    raise Unsupported(f"a {doc['kind']}", where)
            checked = check_resource(doc, where)
            yield checked

    def _finish(self, res: Res) -> None:
        """What kubectl's printing does: annotations become their source text, empty ones go."""
        where = res.doc.path
        meta = metadata_of(res.doc)
        annotations = meta.get("annotations")
        if annotations is not None and not isinstance(annotations, dict):
            raise Unsupported("annotations that are not a mapping", where)
        if annotations:
            raw = annotations.raw if isinstance(annotations, Map) else None
            for key in list(annotations):
                if raw and key in raw and not res.json_patched:
                    annotations[key] = raw.pop(key)  # kubectl writes the source text back
                elif not isinstance(annotations[key], str):
                    raise Unsupported("annotations that are not strings", where)
        if not annotations:
            delete_key(meta, "annotations")
        _check_output(res.doc, where)


def render(directory: Path, display: Callable[[Path], str] = str) -> list[YMap]:
    """The documents ``kubectl kustomize directory`` prints, rendered in-process.

    ``display`` names files in locations (default: the path as given). Raises
    :class:`Unsupported` for anything outside the subset the module docstring lists, and for
    anything kustomize would refuse, so the caller can hand the directory to kubectl.
    """
    return Renderer(display).render(directory)
