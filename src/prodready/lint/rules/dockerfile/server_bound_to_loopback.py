"""PR107: the server inside a container listens on 127.0.0.1 only."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import is_loopback, server_command
from prodready.lint._model import Hit, Layer, Location, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.loaders._yaml import as_list, loc
from prodready.lint.rules._common import containers, dockerfile_of


def _problem(argv: list[str], env: dict[str, str]) -> str | None:
    server = server_command(argv, env)
    if server is None or not is_loopback(server.host):
        return None
    how = f"binds {server.host}" if server.host_explicit else f"binds {server.host} by default"
    return f"{server.server} {how}: nothing outside the container can reach it"


def _check(project: Project) -> Iterator[Hit]:
    for dockerfile in project.dockerfiles:
        stage = dockerfile.final
        if stage is None:
            continue
        argv, line = dockerfile.command(stage)
        problem = _problem(argv, dockerfile.env(stage))
        if problem:
            yield Hit(problem, Location(dockerfile.path, line))
    for _, container in containers(project):
        if not container.command():
            continue
        image = dockerfile_of(project, container)
        env = image.env(image.final) if image and image.final else {}
        env.update(
            {
                str(e.get("name")): str(e.get("value", ""))
                for e in as_list(container.get("env"))
                if isinstance(e, dict)
            }
        )
        problem = _problem(container.command(), env)
        if problem:
            yield Hit(
                f"container '{container.name}': {problem}",
                container.at("command" if container.get("command") else "args"),
            )
    for compose in project.compose_files:
        for service in compose.services.values():
            command = service.config.get("command")
            if command is None:
                continue
            argv = service.command() or []
            env = {k: v.value for k, v in service.env.items()}
            problem = _problem(argv, env)
            if problem:
                yield Hit(f"service '{service.name}': {problem}", loc(service.node, "command"))


RULE = Rule(
    id="PR107",
    slug="server-bound-to-loopback",
    layer=Layer.DOCKERFILE,
    severity=Severity.ERROR,
    summary="A server in a container listens on 127.0.0.1 (explicitly or by its default).",
    rationale=(
        "Inside a container 127.0.0.1 is the container itself: port mappings, Services and probes "
        "all get 'connection refused'. uvicorn, gunicorn and flask default to it."
    ),
    fix="Bind 0.0.0.0 explicitly: 'uvicorn app:app --host 0.0.0.0' or 'gunicorn -b 0.0.0.0:8000'.",
    check=_check,
)
