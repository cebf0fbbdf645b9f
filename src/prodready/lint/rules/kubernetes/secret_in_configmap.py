"""PR305: a ConfigMap holding a password, token or credential URL."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import credential_in_url, is_secret_name, looks_like_secret_value
from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project


def _check(project: Project) -> Iterator[Hit]:
    for group in project.groups:
        for obj in group.of_kind("ConfigMap"):
            data = obj.doc.get("data")
            if not isinstance(data, dict):
                continue
            for key, value in data.items():
                text = str(value) if value is not None else ""
                if "\n" in text:
                    continue  # a whole config file: out of scope for a key/value check
                if (
                    is_secret_name(str(key)) and looks_like_secret_value(text)
                ) or credential_in_url(text):
                    yield Hit(
                        f"ConfigMap '{obj.name}' key {key} holds a secret", obj.at("data", key)
                    )


RULE = Rule(
    id="PR305",
    slug="k8s-secret-in-configmap",
    layer=Layer.KUBERNETES,
    severity=Severity.ERROR,
    summary="A ConfigMap key holds a password, token, API key or a URL with a password.",
    rationale=(
        "ConfigMaps are readable by anyone who can read the namespace's config, are not encrypted "
        "at rest and end up in logs and dashboards."
    ),
    fix="Move the value to a Secret and reference it with secretKeyRef or envFrom.secretRef.",
    check=_check,
)
