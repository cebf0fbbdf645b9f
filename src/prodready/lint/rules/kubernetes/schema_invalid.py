"""PR307: an object does not match the Kubernetes API schema of the target version."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import K8sObject, Project

_MAX_ERRORS_PER_OBJECT = 3


@functools.lru_cache(maxsize=4)
def _definitions(directory: str, version: str) -> Any:
    """The shared definitions file of one schema version (large: parse it once)."""
    from kubernetes_validate import utils  # type: ignore[import-untyped]

    return utils.schema_contents(f"{directory}/_definitions.json", version)


@functools.lru_cache(maxsize=256)
def _validator(version: str, kind: str, api_version: str) -> Any:
    """A cached strict validator, or ``None`` when the kind has no built-in schema (a CRD)."""
    import jsonschema  # type: ignore[import-untyped]
    from kubernetes_validate import utils
    from referencing import Registry, Resource

    versions = [v for v in utils.all_versions() if utils.major_minor(v) <= version]
    schema_version = versions[-1] if versions else utils.all_versions()[0]
    directory = f"kubernetes-json-schema/v{schema_version}-local-strict"
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = utils.schema_contents(f"{directory}/{kind.lower()}-{api}.json", version)
    except FileNotFoundError:
        return None
    definitions = _definitions(directory, version)
    registry: Registry[Any] = Resource.from_contents(definitions) @ (
        Resource.from_contents(schema) @ Registry()
    )
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def _errors(obj: K8sObject, version: str) -> Iterator[Hit]:
    validator = _validator(version, obj.kind, obj.api_version)
    if validator is None:
        return
    for count, error in enumerate(validator.iter_errors(obj.doc)):
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
    try:
        import kubernetes_validate  # noqa: F401
    except ImportError:
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
