"""PR105: a HEALTHCHECK (Dockerfile or compose) calls curl/wget in an image that lacks it."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import lacks_tool, segments
from prodready.lint._model import Hit, Layer, Location, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.loaders._dockerfile import split_command
from prodready.lint.loaders._yaml import loc


def _tool(argv: list[str]) -> str | None:
    for words in segments(argv):
        name = words[0].rsplit("/", 1)[-1] if words else ""
        if name in {"curl", "wget"}:
            return name
    return None


def _check(project: Project) -> Iterator[Hit]:
    for dockerfile in project.dockerfiles:
        stage = dockerfile.final
        if stage is None:
            continue
        check = stage.last("HEALTHCHECK")
        if check is None or check.args.upper().startswith("NONE"):
            continue
        text = check.args.split("CMD", 1)[1] if "CMD" in check.args else check.args
        tool = _tool(
            split_command(text.strip().lstrip("[").rstrip("]").replace('",', " ").replace('"', ""))
        )
        base = dockerfile.base_image(stage)
        if tool and lacks_tool(base, tool, dockerfile.run_text(stage)):
            yield Hit(
                f"HEALTHCHECK runs {tool}, but '{base}' ships without it and no RUN installs it: "
                "the check always fails and the container is marked unhealthy",
                Location(dockerfile.path, check.line),
            )
    for compose in project.compose_files:
        for service in compose.services.values():
            health = service.config.get("healthcheck")
            test = health.get("test") if isinstance(health, dict) else None
            if isinstance(test, str):
                argv = split_command(test)
            elif isinstance(test, list):
                argv = [str(t) for t in test if t not in ("CMD", "CMD-SHELL")]
            else:
                continue
            tool = _tool(argv)
            built = project.dockerfile_at(service.dockerfile)
            if built is not None and built.final is not None:
                base, runs = (
                    built.base_image(built.final),
                    built.run_text(built.final),
                )
            elif service.image and service.dockerfile is None:
                base, runs = service.image, ""
            else:
                continue
            if tool and lacks_tool(base, tool, runs):
                yield Hit(
                    f"service '{service.name}' healthcheck runs {tool}, but its image '{base}' "
                    "ships without it",
                    loc(health, "test"),
                )


RULE = Rule(
    id="PR105",
    slug="healthcheck-tool-missing",
    layer=Layer.DOCKERFILE,
    severity=Severity.ERROR,
    summary=(
        "A health check runs curl or wget in an image (slim, alpine, distroless) that lacks it."
    ),
    rationale=(
        "The check fails with 'not found' forever: the container is never healthy and dependants "
        "never start."
    ),
    fix=(
        "Install the tool in the final stage, or probe with Python: 'python -c \"import "
        "urllib.request …\"'."
    ),
    check=_check,
)
