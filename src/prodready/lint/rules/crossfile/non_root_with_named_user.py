"""PR414: runAsNonRoot with an image whose USER is a name, not a number."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._common import containers, dockerfile_of
from prodready.lint.rules._image import image_user


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project, init=True):
        if (
            container.security("runAsNonRoot") is not True
            or container.security("runAsUser") is not None
        ):
            continue
        image = dockerfile_of(project, container)
        user = image_user(image) if image else None
        if image is None or user is None:
            continue
        written = user[0].split(":")[0]
        if not written.isdigit():
            yield Hit(
                f"container '{container.name}': runAsNonRoot is set but image {image.path} ends "
                f"with "
                f"'USER {user[0]}' (line {user[2]}): the kubelet cannot verify a user name and "
                f"refuses to start it",
                container.at("securityContext")
                if container.get("securityContext")
                else container.at(),
            )


RULE = Rule(
    id="PR414",
    slug="non-root-with-named-user",
    layer=Layer.CROSSFILE,
    severity=Severity.ERROR,
    summary="runAsNonRoot: true without runAsUser, for an image whose USER is a name.",
    rationale=(
        "The pod fails with 'container has runAsNonRoot and image has non-numeric user, cannot "
        "verify user is non-root'."
    ),
    fix="Use a numeric USER in the Dockerfile ('USER 10001') or set securityContext.runAsUser.",
    check=_check,
)
