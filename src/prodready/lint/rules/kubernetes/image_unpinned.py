"""PR302: a container image without a tag or on :latest."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import image_tag_problem
from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._common import containers


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project, init=True):
        problem = image_tag_problem(container.image)
        if problem:
            yield Hit(f"container '{container.name}': {problem}", container.at("image"))


RULE = Rule(
    id="PR302",
    slug="k8s-image-unpinned",
    layer=Layer.KUBERNETES,
    severity=Severity.WARNING,
    summary="A container image has no tag or uses ':latest'.",
    rationale=(
        "Nodes pull whatever ':latest' means that day: replicas of one Deployment run different "
        "code and rollbacks do nothing."
    ),
    fix="Deploy an immutable tag or digest (the one CI built), e.g. 'registry/app:1.4.2'.",
    check=_check,
)
