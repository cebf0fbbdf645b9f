"""PR418: database migrations in the start command of a replicated service."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import migration_command, server_command
from prodready.lint._model import Hit, Layer, Location, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.loaders._yaml import loc
from prodready.lint.rules._common import dockerfile_of
from prodready.lint.rules._scale import min_replicas


def _check(project: Project) -> Iterator[Hit]:
    for dockerfile in project.dockerfiles:
        if dockerfile.final is None:
            continue
        argv, line = dockerfile.command(dockerfile.final)
        step = migration_command(argv)
        if step and server_command(argv) is not None:
            yield Hit(
                f"the image's start command runs '{step}' before the server: every replica "
                f"migrates on start",
                Location(dockerfile.path, line),
            )
    for group in project.groups:
        for workload in group.workloads():
            replicas = min_replicas(group, workload)
            if replicas is None or replicas < 2:
                continue
            for container in workload.containers():
                step = migration_command(container.command())
                if step is None:
                    image = dockerfile_of(project, container)
                    if image is not None and image.final is not None and not container.command():
                        step = migration_command(image.command(image.final)[0])
                if step:
                    yield Hit(
                        f"{workload.obj.kind} '{workload.obj.name}' runs '{step}' in all "
                        f"{replicas} replicas",
                        container.at("command") if container.get("command") else container.at(),
                    )
    for compose in project.compose_files:
        for service in compose.services.values():
            deploy = service.config.get("deploy")
            replicas = deploy.get("replicas", 1) if isinstance(deploy, dict) else 1
            command = service.config.get("command")
            if not isinstance(replicas, int) or replicas < 2 or command is None:
                continue
            argv = service.command() or []
            step = migration_command(argv)
            if step:
                yield Hit(
                    f"service '{service.name}' runs '{step}' in all {replicas} replicas",
                    loc(service.node, "command"),
                )


RULE = Rule(
    id="PR418",
    slug="migrations-in-every-replica",
    layer=Layer.CROSSFILE,
    severity=Severity.WARNING,
    summary="Migrations run in the start command of an image or a workload with several replicas.",
    rationale=(
        "Replicas race to migrate the same schema on every rollout and restart: lock waits, failed"
        " starts, half-applied DDL."
    ),
    fix=(
        "Run migrations once per release: a Kubernetes Job or Helm hook, or a one-off compose "
        "service with 'service_completed_successfully'."
    ),
    check=_check,
)
