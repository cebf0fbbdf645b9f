"""PR407: a pod references a ConfigMap or Secret that the manifests do not define."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._refs import references


def _check(project: Project) -> Iterator[Hit]:
    for group, ref in references(project):
        if ref.optional or group.find(ref.kind, ref.name, ref.namespace) is not None:
            continue
        if ref.kind == "Secret" and not group.of_kind("Secret"):
            continue  # no Secret is in the manifests at all: they are managed out of band
        yield Hit(
            f"{ref.who} uses {ref.kind} '{ref.name}', which is not defined here", ref.location
        )


RULE = Rule(
    id="PR407",
    slug="reference-to-missing-object",
    layer=Layer.CROSSFILE,
    severity=Severity.WARNING,
    summary=(
        "configMapKeyRef, secretKeyRef, envFrom or a volume names a ConfigMap/Secret not defined "
        "in the manifests."
    ),
    rationale=(
        "The pod stays in CreateContainerConfigError (or ContainerCreating) until the object "
        "appears."
    ),
    fix="Add the object to the manifests, fix the name, or mark the reference 'optional: true'.",
    check=_check,
)
