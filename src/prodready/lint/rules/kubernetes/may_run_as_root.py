"""PR301: a Kubernetes container may run as root."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._common import containers, dockerfile_of


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project, init=True):
        non_root = container.security("runAsNonRoot")
        uid = container.security("runAsUser")
        if non_root is True or (isinstance(uid, int) and uid > 0):
            continue
        if uid == 0:
            yield Hit(
                f"container '{container.name}' sets runAsUser: 0", container.at("securityContext")
            )
            continue
        image = dockerfile_of(project, container)
        user = image.user(image.final) if image and image.final else None
        if user is not None and user.args.split(":")[0].strip() not in {"root", "0"}:
            continue  # the image itself switches to a non-root user
        yield Hit(
            f"container '{container.name}' sets neither runAsNonRoot: true nor a non-zero "
            f"runAsUser",
            container.at(),
        )


RULE = Rule(
    id="PR301",
    slug="k8s-may-run-as-root",
    layer=Layer.KUBERNETES,
    severity=Severity.WARNING,
    summary=(
        "A container can run as root: no runAsNonRoot, no non-zero runAsUser, no non-root image "
        "USER."
    ),
    rationale="Root in the container is one kernel bug away from root on the node.",
    fix=(
        "Set 'securityContext: {runAsNonRoot: true, runAsUser: 10001}' and a numeric USER in the "
        "image."
    ),
    check=_check,
)
