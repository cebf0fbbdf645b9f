"""PR103: ADD fetching a URL."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Location, Rule, Severity
from prodready.lint.loaders import Project


def _check(project: Project) -> Iterator[Hit]:
    for dockerfile in project.dockerfiles:
        for stage in dockerfile.stages:
            for ins in stage.all("ADD"):
                words = [w for w in ins.argv if not w.startswith("--")]
                if "--checksum" in ins.args:
                    continue
                remote = [w for w in words[:-1] if w.startswith(("http://", "https://"))]
                if remote:
                    yield Hit(
                        f"ADD downloads {remote[0]} without a checksum",
                        Location(dockerfile.path, ins.line),
                    )


RULE = Rule(
    id="PR103",
    slug="dockerfile-remote-add",
    layer=Layer.DOCKERFILE,
    severity=Severity.WARNING,
    summary="ADD downloads a remote URL without verifying it.",
    rationale=(
        "Whatever the URL serves at build time ends up in the image, unverified and uncached."
    ),
    fix="Download with curl and check a sha256 in a RUN step, or use 'ADD --checksum=sha256:…'.",
    check=_check,
)
