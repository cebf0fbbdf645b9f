"""PR307: an object does not match the Kubernetes API schema of the target version."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import K8sObject, Project
from prodready.lint.rules import _k8s_schemas
from prodready.lint.rules._fast_schema import Check, Compiler, Unsupported

_MAX_ERRORS_PER_OBJECT = 3


@functools.lru_cache(maxsize=4)
def _compiler(directory: str) -> Compiler:
    """One compiler per schema folder, so kinds share the definitions compiled for them."""
    return Compiler(_k8s_schemas.definitions(directory))


@functools.lru_cache(maxsize=256)
def fast_check(version: str, kind: str, api_version: str) -> Check | None:
    """The fast valid-or-not check of a kind, or ``None`` when jsonschema must decide alone
    (its schema uses a keyword the fast path does not implement, or it has no schema)."""
    directory = _k8s_schemas.schema_directory(version)
    schema = _k8s_schemas.kind_schema(directory, kind, api_version)
    if schema is None:
        return None
    try:
        return _compiler(directory).compile(schema)
    except Unsupported:
        return None


@functools.lru_cache(maxsize=256)
def validator(version: str, kind: str, api_version: str) -> Any:
    """A cached strict jsonschema validator, or ``None`` when the kind has no built-in schema
    (a CRD). jsonschema is imported here, on first need: the fast path answers for most runs."""
    import jsonschema  # type: ignore[import-untyped]
    from referencing import Registry, Resource

    directory = _k8s_schemas.schema_directory(version)
    schema = _k8s_schemas.kind_schema(directory, kind, api_version)
    if schema is None:
        return None
    registry: Registry[Any] = Resource.from_contents(_k8s_schemas.definitions(directory)) @ (
        Resource.from_contents(schema) @ Registry()
    )
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def _errors(obj: K8sObject, version: str) -> Iterator[Hit]:
    directory = _k8s_schemas.schema_directory(version)
    if _k8s_schemas.kind_schema(directory, obj.kind, obj.api_version) is None:
        return  # a custom resource: no built-in schema
    fast = fast_check(version, obj.kind, obj.api_version)
    if fast is not None and fast(obj.doc):
        return  # valid: jsonschema would find nothing (the fast path only ever says so exactly)
    for count, error in enumerate(
        validator(version, obj.kind, obj.api_version).iter_errors(obj.doc)
    ):
        if count >= _MAX_ERRORS_PER_OBJECT:
            return
        path = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            extra = sorted(str(k) for k in error.instance if k not in allowed)
            if extra:
                path.append(extra[0])  # point at the unexpected key itself
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        yield Hit(
            f"{obj.kind} '{obj.name}': {field or '(root)'}: {error.message} "
            f"(Kubernetes {version} schema)",
            obj.at(*path),
        )


def _check(project: Project) -> Iterator[Hit]:
    if not _k8s_schemas.installed():
        return  # the CLI prints the install hint once
    version = ".".join(project.kubernetes_version.lstrip("v").split(".")[:2])
    seen: set[str] = set()
    for group in project.groups:
        for obj in group.objects:
            # kustomize roots often render the same base object: validate each content once
            key = obj.at().path + json.dumps(obj.doc, sort_keys=True, default=str)
            if key not in seen:
                seen.add(key)
                yield from _errors(obj, version)


RULE = Rule(
    id="PR307",
    slug="k8s-schema-invalid",
    layer=Layer.KUBERNETES,
    severity=Severity.ERROR,
    summary=(
        "An object does not validate against the Kubernetes API schema (strict: unknown fields "
        "too)."
    ),
    rationale=(
        "The API server rejects it, or silently drops a misspelt field such as 'livenesProbe'."
    ),
    fix=(
        "Correct the field named in the message; check the spelling and type against 'kubectl "
        "explain'."
    ),
    check=_check,
)
