"""PR306: a container env var with a literal secret value."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import credential_in_url, is_secret_name, looks_like_secret_value
from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.loaders._yaml import as_list
from prodready.lint.rules._common import containers


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project, init=True):
        for i, env in enumerate(as_list(container.get("env"))):
            if not isinstance(env, dict) or "value" not in env:
                continue
            name, value = str(env.get("name", "")), str(env.get("value") or "")
            if (is_secret_name(name) and looks_like_secret_value(value)) or credential_in_url(
                value
            ):
                yield Hit(
                    f"container '{container.name}': {name} is a literal secret",
                    container.at("env", i),
                )


RULE = Rule(
    id="PR306",
    slug="k8s-secret-in-env-literal",
    layer=Layer.KUBERNETES,
    severity=Severity.ERROR,
    summary="A container env var sets a password, token or credential URL as a literal value.",
    rationale=(
        "The value is stored in the manifest, in Git and in the pod spec, visible to anyone who "
        "can read Deployments."
    ),
    fix="Put it in a Secret and use 'valueFrom: {secretKeyRef: {name: …, key: …}}'.",
    check=_check,
)
