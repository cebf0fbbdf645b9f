"""PR419: a Service name injects env vars that the app reads for its own settings."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Container, Project, image_key
from prodready.lint.loaders._yaml import as_list
from prodready.lint.rules._common import dockerfile_of


def _app_env_names(project: Project, container: Container) -> set[str]:
    """Env names the image's app reads: Dockerfile ENV, and compose environment for the image."""
    names: set[str] = set()
    image = dockerfile_of(project, container)
    if image is not None and image.final is not None:
        names |= set(image.env(image.final))
    key = image_key(container.image) if container.image else None
    for compose in project.compose_files:
        for service in compose.services.values():
            if key and ((service.image and image_key(service.image) == key) or service.name == key):
                names |= set(service.env)
    return names


def _check(project: Project) -> Iterator[Hit]:
    for group in project.groups:
        services = group.of_kind("Service")
        if not services:
            continue
        for workload in group.workloads():
            if workload.pod_spec.get("enableServiceLinks") is False:
                continue
            for container in workload.containers():
                explicit = {
                    str(e.get("name")) for e in as_list(container.get("env")) if isinstance(e, dict)
                }
                wanted = _app_env_names(project, container) - explicit
                for svc in services:
                    prefix = svc.name.upper().replace("-", "_")
                    injected = {
                        f"{prefix}_PORT",
                        f"{prefix}_SERVICE_HOST",
                        f"{prefix}_SERVICE_PORT",
                    }
                    clash = sorted(
                        n for n in wanted if n in injected or n.startswith(f"{prefix}_PORT_")
                    )
                    if clash:
                        yield Hit(
                            f"container '{container.name}' reads {', '.join(clash)}, but Service "
                            f"'{svc.name}' makes Kubernetes inject {clash[0]}=tcp://… into the pod",
                            container.at(),
                        )


RULE = Rule(
    id="PR419",
    slug="service-link-env-collision",
    layer=Layer.CROSSFILE,
    severity=Severity.WARNING,
    summary=(
        "A Service name makes Kubernetes inject env vars (REDIS_PORT=tcp://…) that the app reads "
        "as settings."
    ),
    rationale=(
        "With enableServiceLinks (the default) a Service 'redis' sets "
        "REDIS_PORT=tcp://10.0.0.5:6379; an app expecting a number crashes on start."
    ),
    fix=(
        "Set 'enableServiceLinks: false' in the pod spec, or set the variable explicitly in the "
        "container env."
    ),
    check=_check,
)
