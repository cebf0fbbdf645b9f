"""kubernetes_validate's strict schema files, read without importing kubernetes_validate.

PR307 needs only the package's data: importing ``kubernetes_validate`` runs its ``utils``, which
imports jsonschema, referencing and packaging (~0.1 s of every ``prodready check``). The package
is found with :func:`importlib.util.find_spec` and its data read through
:mod:`importlib.resources` on a module object that is never executed. The schema folder for a
Kubernetes version is chosen exactly as ``kubernetes_validate.utils`` chooses it.
"""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
import json
import re
from importlib.resources.abc import Traversable
from typing import Any

__all__ = ["definitions", "installed", "kind_schema", "schema_directory"]

_PACKAGE = "kubernetes_validate"
_VERSION_FOLDER = re.compile(r"^v([^-]*).*")  # as kubernetes_validate.utils.all_versions
_MAJOR_MINOR = re.compile(r"^(\d+\.\d+).*")  # as kubernetes_validate.utils.major_minor


@functools.cache
def _root() -> Traversable | None:
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None:
        return None
    package = importlib.util.module_from_spec(spec)  # a module object; its code never runs
    return importlib.resources.files(package) / "kubernetes-json-schema"


def installed() -> bool:
    """Whether kubernetes_validate (the ``prodready[check]`` extra) is installed."""
    return _root() is not None


def _schemas() -> Traversable:
    root = _root()
    if root is None:
        raise ModuleNotFoundError(
            "PR307 needs kubernetes_validate: pip install 'prodready[check]'", name=_PACKAGE
        )
    return root


def _sorted_versions(versions: list[str]) -> list[str]:
    """Sorted as ``packaging.version.Version`` sorts them (kubernetes_validate's key).

    Its folders are plain releases ("1.32.0"), for which a tuple of ints without trailing
    zeros orders the same (Version("1.32") == Version("1.32.0")); anything else is handed to
    packaging itself.
    """
    if all(part.isdigit() for v in versions for part in v.split(".")):

        def key(version: str) -> tuple[int, ...]:
            parts = [int(p) for p in version.split(".")]
            while len(parts) > 1 and parts[-1] == 0:
                parts.pop()
            return tuple(parts)

        return sorted(versions, key=key)
    from packaging.version import Version

    return sorted(versions, key=Version)


@functools.lru_cache(maxsize=8)
def schema_directory(version: str) -> str:
    """The strict schema folder for ``version`` ("1.32"), chosen as kubernetes_validate does.

    That is the newest release whose major.minor is not greater than ``version``, compared as
    strings like kubernetes_validate compares them (so "1.9" sorts after "1.37"), or else the
    oldest release.
    """
    names = [entry.name for entry in _schemas().iterdir()]
    versions = _sorted_versions(
        [_VERSION_FOLDER.sub(r"\1", n) for n in names if _VERSION_FOLDER.match(n)]
    )
    eligible = [v for v in versions if _MAJOR_MINOR.sub(r"\1", v) <= version]
    chosen = eligible[-1] if eligible else versions[0]
    return f"v{chosen}-local-strict"


@functools.lru_cache(maxsize=256)
def _read(directory: str, name: str) -> Any:
    """One schema file, parsed once per run: every spelling of a kind or group that names the
    file gets the same object (the fast path compiles each schema document once)."""
    text = (_schemas() / directory / name).read_text(encoding="utf-8")
    return json.loads(text)


def definitions(directory: str) -> Any:
    """The shared ``_definitions.json`` of a schema folder (1.3 MB: parsed once)."""
    return _read(directory, "_definitions.json")


_SCHEMA_FILE = re.compile(r"[a-z0-9][a-z0-9-]*\.json")


def kind_schema(directory: str, kind: str, api_version: str) -> Any:
    """The schema of ``kind`` in ``api_version``, or ``None`` when there is none (a CRD)."""
    # rbac.authorization.k8s.io/v1 -> rbac-v1, as kubernetes_validate names its files
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    name = f"{kind.lower()}-{api}.json"
    if not _SCHEMA_FILE.fullmatch(name):
        return None  # kind and apiVersion come from the checked file: never a path outside
    try:
        return _read(directory, name)
    except FileNotFoundError:
        return None
