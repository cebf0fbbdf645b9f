"""PR106: a production start command runs a development server or auto-reload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath

from prodready.lint._facts import server_command
from prodready.lint._model import Hit, Layer, Location, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.loaders._yaml import loc
from prodready.lint.rules._common import containers, dockerfile_of

_DEV_NAME = re.compile(r"(^|[._-])(dev|devel|development|local|debug)([._-]|$)", re.IGNORECASE)
_PROD_NAME = re.compile(r"(^|[._-])(prod|production)([._-]|$)", re.IGNORECASE)


def _problem(argv: list[str], env: dict[str, str]) -> str | None:
    server = server_command(argv, env)
    if server is None:
        return "the start command passes --reload" if "--reload" in argv else None
    if server.server in {"flask run", "manage.py runserver"}:
        return f"'{server.server}' is a development server (single-threaded, debug features)"
    if server.reload:
        return f"{server.server} runs with --reload (a file watcher restarting the server)"
    return None


def _check(project: Project) -> Iterator[Hit]:
    for dockerfile in project.dockerfiles:
        stage = dockerfile.final
        if stage is None or _DEV_NAME.search(PurePath(dockerfile.path).name):
            continue  # Dockerfile.dev and friends are meant to reload
        argv, line = dockerfile.command(stage)
        problem = _problem(argv, dockerfile.env(stage))
        if problem:
            yield Hit(f"the image's start command: {problem}", Location(dockerfile.path, line))
    for _, container in containers(project):
        argv = container.command()
        image = dockerfile_of(project, container)
        env = image.env(image.final) if image and image.final else {}
        problem = _problem(argv, env)
        if problem:
            yield Hit(
                f"container '{container.name}': {problem}",
                container.at("command" if container.get("command") else "args"),
            )
    for compose in project.compose_files:
        if not _PROD_NAME.search(PurePath(compose.path).name):
            continue  # a plain compose file is usually the development stack
        for service in compose.services.values():
            command = service.command()
            env = {k: v.value for k, v in service.env.items()}
            problem = _problem(command, env) if command else None
            if problem:
                yield Hit(f"service '{service.name}': {problem}", loc(service.node, "command"))


RULE = Rule(
    id="PR106",
    slug="dev-server-in-production",
    layer=Layer.DOCKERFILE,
    severity=Severity.WARNING,
    summary=(
        "An image, Kubernetes or production compose start command uses --reload, 'flask run' "
        "or 'manage.py runserver'."
    ),
    rationale=(
        "Reloaders watch the file system, restart on any write and run one worker; development "
        "servers are not built for production traffic or clean shutdown."
    ),
    fix=(
        "Start uvicorn/gunicorn without --reload in the image; keep reload in a compose override "
        "for development."
    ),
    check=_check,
)
