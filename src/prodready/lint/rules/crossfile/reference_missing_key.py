"""PR408: a reference to a key that the ConfigMap or Secret does not have."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._refs import references


def _check(project: Project) -> Iterator[Hit]:
    for group, ref in references(project):
        if ref.key is None or ref.optional:
            continue
        obj = group.find(ref.kind, ref.name, ref.namespace)
        if obj is None:
            continue
        keys: set[str] = set()
        for section in ("data", "stringData", "binaryData"):
            data = obj.doc.get(section)
            if isinstance(data, dict):
                keys |= {str(k) for k in data}
        if ref.key not in keys:
            yield Hit(
                f"{ref.who} reads key '{ref.key}' of {ref.kind} '{ref.name}', which has "
                f"{', '.join(sorted(keys)) or 'no keys'}",
                ref.location,
            )


RULE = Rule(
    id="PR408",
    slug="reference-to-missing-key",
    layer=Layer.CROSSFILE,
    severity=Severity.ERROR,
    summary=(
        "configMapKeyRef/secretKeyRef or a volume item reads a key the object does not contain."
    ),
    rationale="The pod fails with CreateContainerConfigError: 'couldn't find key … in ConfigMap'.",
    fix="Correct the key (they are case-sensitive) or add it to the object's data.",
    check=_check,
)
