"""PR415: runAsUser differs from the UID the image was built for."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._common import containers, dockerfile_of
from prodready.lint.rules._image import image_user


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project):
        uid = container.security("runAsUser")
        image = dockerfile_of(project, container)
        user = image_user(image) if image else None
        if image is None or user is None or user[1] is None:
            continue
        if isinstance(uid, int) and uid != user[1]:
            yield Hit(
                f"container '{container.name}' runs as UID {uid}, but {image.path} prepares the "
                f"image "
                f"for UID {user[1]} ('USER {user[0]}', line {user[2]}): its files and HOME are "
                f"not the pod user's",
                container.at("securityContext", "runAsUser")
                if container.get("securityContext", "runAsUser") is not None
                else container.at(),
            )
        group = user[0].split(":")[1] if ":" in user[0] else None
        pod_fs = container.security("fsGroup")
        if group and group.isdigit() and isinstance(pod_fs, int) and pod_fs != int(group):
            yield Hit(
                f"container '{container.name}': fsGroup {pod_fs} differs from the image's group "
                f"{group}; "
                "mounted volumes are chowned to a group the app user is not in",
                container.workload.obj.at(
                    *container.workload.template_keys, "spec", "securityContext"
                ),
            )


RULE = Rule(
    id="PR415",
    slug="run-as-user-differs-from-image",
    layer=Layer.CROSSFILE,
    severity=Severity.WARNING,
    summary=(
        "securityContext runAsUser/fsGroup differ from the UID/GID the Dockerfile builds the image"
        " for."
    ),
    rationale=(
        "Files the image chowned to its user become read-only and HOME points at a directory the "
        "pod user does not own: cache writes fail at run time."
    ),
    fix=(
        "Use the same numeric UID/GID in the Dockerfile (USER 10001:10001) and in "
        "runAsUser/fsGroup."
    ),
    check=_check,
)
