"""PR108: EXPOSE and the port the server binds disagree."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import server_command
from prodready.lint._model import Hit, Layer, Location, Rule, Severity
from prodready.lint.loaders import Dockerfile, Project


def exposed_ports(dockerfile: Dockerfile) -> tuple[set[int], int]:
    """Ports EXPOSEd in the final stage's chain, and the line of the last EXPOSE (0 if none)."""
    ports: set[int] = set()
    line = 0
    if dockerfile.final is None:
        return ports, line
    for stage in dockerfile.chain(dockerfile.final):
        for ins in stage.all("EXPOSE"):
            line = max(line, ins.line)
            for word in ins.args.split():
                number = word.split("/", 1)[0]
                if number.isdigit():
                    ports.add(int(number))
    return ports, line


def _check(project: Project) -> Iterator[Hit]:
    for dockerfile in project.dockerfiles:
        stage = dockerfile.final
        if stage is None:
            continue
        ports, line = exposed_ports(dockerfile)
        argv, cmd_line = dockerfile.command(stage)
        server = server_command(argv, dockerfile.env(stage))
        if (
            not ports
            or server is None
            or server.port is None
            or (not server.host_explicit and server.server != "uvicorn")
        ):
            continue
        if server.port not in ports:
            yield Hit(
                f"EXPOSE {', '.join(map(str, sorted(ports)))} but {server.server} listens on "
                f"{server.port}",
                Location(dockerfile.path, line or cmd_line),
            )


RULE = Rule(
    id="PR108",
    slug="expose-vs-bind-port",
    layer=Layer.DOCKERFILE,
    severity=Severity.WARNING,
    summary="The EXPOSEd port is not the port the image's server listens on.",
    rationale=(
        "Tools and people take EXPOSE at its word: compose ports, containerPort and probes then "
        "point at a closed port."
    ),
    fix="Make EXPOSE and the server's --port/--bind the same number.",
    check=_check,
)
