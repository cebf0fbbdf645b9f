"""PR403: a probe targets a port the container does not declare or the server does not bind."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import server_command
from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Container, Project
from prodready.lint.rules._common import containers, dockerfile_of
from prodready.lint.rules._probes import handler, probes


def _server_port(project: Project, container: Container) -> int | None:
    argv = container.command()
    image = dockerfile_of(project, container)
    env = image.env(image.final) if image and image.final else {}
    if not argv and image is not None and image.final is not None:
        argv, _ = image.command(image.final)
    server = server_command(argv, env)
    return server.port if server is not None and server.host_explicit else None


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project):
        ports = container.ports()
        for kind, probe in probes(container):
            found = handler(probe)
            if found is None or found[0] == "exec" or found[2] is None:
                continue
            port = found[2]
            if not isinstance(port, int | str):
                continue
            where = container.at(kind)
            if isinstance(port, str) and not port.isdigit():
                if port not in ports:
                    yield Hit(
                        f"container '{container.name}': {kind} uses port name '{port}', which no "
                        "containerPort declares (the kubelet cannot resolve it)",
                        where,
                    )
                continue
            number = int(port)
            if ports and number not in ports:
                declared = sorted(p for p in ports if isinstance(p, int))
                yield Hit(
                    f"container '{container.name}': {kind} targets port {number}, but the "
                    f"container "
                    f"declares {', '.join(map(str, declared))}",
                    where,
                )
                continue
            bound = _server_port(project, container)
            if bound is not None and bound != number:
                yield Hit(
                    f"container '{container.name}': {kind} targets port {number}, but the server "
                    f"in its start command listens on {bound}",
                    where,
                )


RULE = Rule(
    id="PR403",
    slug="probe-port-mismatch",
    layer=Layer.CROSSFILE,
    severity=Severity.ERROR,
    summary="A probe's port is not a declared containerPort, or not the port the server binds.",
    rationale=(
        "The probe gets 'connection refused': readiness never passes, or liveness restarts a "
        "healthy pod forever."
    ),
    fix=(
        "Probe the container's declared port (by name, e.g. 'port: http') that the server listens "
        "on."
    ),
    check=_check,
)
