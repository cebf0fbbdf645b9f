"""PR202: a compose service image without a tag or on :latest."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import image_tag_problem
from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.loaders._yaml import loc


def _check(project: Project) -> Iterator[Hit]:
    for compose in project.compose_files:
        for service in compose.services.values():
            if service.image is None or service.config.get("build") is not None:
                continue
            problem = image_tag_problem(service.image)
            if problem:
                yield Hit(f"service '{service.name}': {problem}", loc(service.node, "image"))


RULE = Rule(
    id="PR202",
    slug="compose-image-unpinned",
    layer=Layer.COMPOSE,
    severity=Severity.WARNING,
    summary="A compose service pulls an image without a tag or with ':latest'.",
    rationale=(
        "Each 'pull' may bring a new major version of the database or broker; the stack changes "
        "under you."
    ),
    fix="Pin the version the stack was tested with, e.g. 'postgres:16.4' (or a digest).",
    check=_check,
)
