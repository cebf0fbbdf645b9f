"""PR101: the shipped image runs as root."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Location, Rule, Severity
from prodready.lint.loaders import Dockerfile, Project
from prodready.lint.rules._common import containers, dockerfile_of

_ROOT = {"root", "0", "root:root", "0:0"}


def _overridden(project: Project) -> set[int]:
    """Dockerfiles whose every Kubernetes container sets a non-zero runAsUser."""
    verdict: dict[int, bool] = {}
    for _, container in containers(project, init=True):
        image: Dockerfile | None = dockerfile_of(project, container)
        if image is not None:
            uid = container.security("runAsUser")
            safe = isinstance(uid, int) and uid > 0
            verdict[id(image)] = verdict.get(id(image), True) and safe
    return {key for key, safe in verdict.items() if safe}


def _check(project: Project) -> Iterator[Hit]:
    overridden = _overridden(project)
    for dockerfile in project.dockerfiles:
        stage = dockerfile.final
        if (
            stage is None
            or stage.image == "scratch"
            or ("distroless" in stage.image and "nonroot" in stage.image)
            or id(dockerfile) in overridden  # the manifests run it as a non-root UID
        ):
            continue
        user = dockerfile.user(stage)
        if user is None:
            yield Hit(
                "the final stage sets no USER, so the container runs as root",
                Location(dockerfile.path, stage.line),
            )
        elif user.args.strip() in _ROOT:
            yield Hit(
                f"the final USER is '{user.args.strip()}'", Location(dockerfile.path, user.line)
            )


RULE = Rule(
    id="PR101",
    slug="dockerfile-runs-as-root",
    layer=Layer.DOCKERFILE,
    severity=Severity.WARNING,
    summary="The final image stage has no USER or switches back to root.",
    rationale=(
        "A process running as root turns any code-execution bug into root in the container, and "
        "Kubernetes runAsNonRoot refuses to start it."
    ),
    fix="Create a user with a fixed numeric UID and end the Dockerfile with 'USER 10001'.",
    check=_check,
)
