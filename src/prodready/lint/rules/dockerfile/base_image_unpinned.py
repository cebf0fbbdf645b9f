"""PR102: a FROM image without a tag or on :latest."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import image_tag_problem
from prodready.lint._model import Hit, Layer, Location, Rule, Severity
from prodready.lint.loaders import Project


def _check(project: Project) -> Iterator[Hit]:
    for dockerfile in project.dockerfiles:
        aliases = {s.alias for s in dockerfile.stages if s.alias}
        for stage in dockerfile.stages:
            if stage.image.lower() in aliases:
                continue
            problem = image_tag_problem(stage.image)
            if problem:
                yield Hit(problem, Location(dockerfile.path, stage.line))


RULE = Rule(
    id="PR102",
    slug="dockerfile-base-image-unpinned",
    layer=Layer.DOCKERFILE,
    severity=Severity.WARNING,
    summary="A FROM line uses an image without a tag or with ':latest'.",
    rationale=(
        "The build silently changes when upstream pushes a new image; rebuilds stop being "
        "reproducible."
    ),
    fix="Pin a version tag (python:3.12-slim) or, better, a digest (python:3.12-slim@sha256:…).",
    check=_check,
)
