"""PR104: a literal secret in ENV or ARG."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import credential_in_url, is_secret_name, looks_like_secret_value
from prodready.lint._model import Hit, Layer, Location, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.loaders._dockerfile import parse_key_values


def _check(project: Project) -> Iterator[Hit]:
    for dockerfile in project.dockerfiles:
        for stage in dockerfile.stages:
            for ins in stage.all("ENV") + stage.all("ARG"):
                pairs = (
                    parse_key_values(ins.args)
                    if ins.keyword == "ENV"
                    else dict([ins.args.split("=", 1)] if "=" in ins.args else [])
                )
                for name, value in pairs.items():
                    value = value.strip("\"'")
                    if (
                        is_secret_name(name) and looks_like_secret_value(value)
                    ) or credential_in_url(value):
                        yield Hit(
                            f"{ins.keyword} {name} holds a literal secret; it is stored in every "
                            f"image layer",
                            Location(dockerfile.path, ins.line),
                        )


RULE = Rule(
    id="PR104",
    slug="dockerfile-secret-in-env",
    layer=Layer.DOCKERFILE,
    severity=Severity.ERROR,
    summary="ENV or ARG sets a password, token or key to a literal value.",
    rationale="Image layers and 'docker history' keep the value for anyone who can pull the image.",
    fix="Pass secrets at run time (environment, secret files) or with 'RUN --mount=type=secret'.",
    check=_check,
)
