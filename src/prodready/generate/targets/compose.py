"""The ``compose`` target: ``compose.yaml`` (the local stack) and ``compose.prod.yaml`` (override).

``compose.yaml`` holds the app, its processes and every backing service from the catalogue:

- each backing service has the catalogue's health command; the app, its processes and the
  one-shot ``migrate`` service wait for them with ``service_healthy``;
- migrations run once, in ``migrate``; the app and processes wait for it with
  ``service_completed_successfully`` (never in every replica);
- backing services sit only on ``backend``, an internal network, and publish no port; the app also
  joins ``edge`` for egress and publishes its port on 127.0.0.1 only;
- secrets are interpolated from the git-ignored ``.env`` with ``${NAME:?…}``, so a missing value
  stops ``docker compose up`` with a message instead of starting with an empty password;
- resource limits and reservations come from the spec and the catalogue; data lives in named
  volumes; the app drops every capability and cannot gain privileges;
- processes and ``migrate`` disable the image's HTTP HEALTHCHECK: they serve no HTTP;
- the app, ``migrate`` and processes get ``SERVICE_NAME`` (the spec's name) for the runtime's
  settings;
- optional parts sit behind profiles and start only when asked for: ``--profile monitoring``
  (Prometheus, Grafana, one exporter per backing service, see
  :mod:`~prodready.generate.targets.monitoring`) and ``--profile edge`` (the nginx edge, see
  :mod:`~prodready.generate.targets.nginx`).

``compose.prod.yaml`` is merged on top (``docker compose -f compose.yaml -f compose.prod.yaml``):
the app and processes run the pushed ``${IMAGE}`` instead of building, restart always, and rotate
logs.
"""

from __future__ import annotations

import re
from typing import Any

from prodready import _contract as contract
from prodready.catalog import (
    Catalog,
    app_env,
    connection,
    default_catalog,
    image_ref,
)
from prodready.generate._model import Target
from prodready.generate._render import dump_yaml
from prodready.generate.targets.docker import healthcheck_argv
from prodready.spec import Resources, ServiceSpec, compose_cpus, compose_memory

__all__ = [
    "BACKEND",
    "EDGE",
    "TARGET",
    "compose_document",
    "compose_prod_document",
    "deploy_resources",
    "interpolate",
]

BACKEND = "backend"
EDGE = "edge"
_SECRET_REF = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")
LOG_OPTIONS = {"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}}


def interpolate(name: str) -> str:
    """The compose reference to secret ``name``, failing loudly when ``.env`` lacks it."""
    return f"${{{name}:?{name} is not set, run prodready generate to create .env}}"


def _escape(value: str) -> str:
    """Escape ``$`` so compose passes a literal to the container (shell variables, not secrets)."""
    return value.replace("$", "$$")


def _env_value(value: str) -> str:
    """An env value: ``${SECRET}`` references become compose references, other ``$`` are escaped."""
    parts = _SECRET_REF.split(value)
    # re.split with one group alternates literal text and captured secret names.
    return "".join(
        interpolate(part) if index % 2 else _escape(part) for index, part in enumerate(parts)
    )


def deploy_resources(resources: Resources) -> dict[str, Any]:
    """The compose ``deploy`` block holding ``resources``' limits and reservations."""
    return {
        "resources": {
            "limits": {
                "cpus": compose_cpus(resources.cpu_limit),
                "memory": compose_memory(resources.memory_limit),
            },
            "reservations": {
                "cpus": compose_cpus(resources.cpu_request),
                "memory": compose_memory(resources.memory_request),
            },
        }
    }


def _backing(spec: ServiceSpec, name: str, catalog: Catalog) -> dict[str, Any]:
    entry = catalog.get(spec.services[name].kind)
    conn = connection(spec, name, catalog=catalog)
    service: dict[str, Any] = {
        "image": image_ref(spec, name, catalog=catalog),
        "restart": "unless-stopped",
    }
    if entry.user is not None:
        service["user"] = entry.user
    if entry.command is not None:
        service["command"] = [_escape(arg) for arg in entry.command(conn)]
    environment = {key: _env_value(value) for key, value in entry.server_env(conn).items()}
    if environment:
        service["environment"] = environment
    service["healthcheck"] = {
        "test": ["CMD", *(_escape(arg) for arg in entry.health_command(conn))],
        "interval": "5s",
        # JVM-based checks (Kafka, Neo4j) need several seconds to start: 10 s avoids flapping.
        "timeout": "10s",
        "retries": 10,
        "start_period": f"{entry.start_period_s}s",
    }
    if entry.data_path is not None:
        service["volumes"] = [f"{name}-data:{entry.data_path}"]
    service["networks"] = [BACKEND]
    service["deploy"] = deploy_resources(entry.resources)
    return service


def _app_environment(spec: ServiceSpec, catalog: Catalog) -> dict[str, str]:
    # The runtime's ServiceSettings.service_name (logs, metrics) reads SERVICE_NAME; the spec's own
    # env may still override it.
    environment = {"SERVICE_NAME": spec.name}
    environment.update({key: _escape(value) for key, value in sorted(spec.env.items())})
    environment.update(
        {key: _env_value(value) for key, value in app_env(spec, catalog=catalog).items()}
    )
    # Only secrets the app reads by name: a password already inside a URL is not passed twice.
    direct = set(spec.secrets)
    for service in spec.services.values():
        direct.update(catalog.get(service.kind).app_secrets)
    for name in sorted(direct):
        environment[name] = interpolate(name)
    return environment


def _depends(spec: ServiceSpec, *, migrate: bool) -> dict[str, dict[str, str]]:
    depends = {name: {"condition": "service_healthy"} for name in sorted(spec.services)}
    if migrate and spec.migrate is not None:
        depends["migrate"] = {"condition": "service_completed_successfully"}
    return depends


def _app_like(spec: ServiceSpec, catalog: Catalog) -> dict[str, Any]:
    """Shared by app, migrate and processes: one image, built from the same Dockerfile (BuildKit's
    cache makes the repeated builds free, and no service tries to pull an image that only exists
    locally)."""
    service: dict[str, Any] = {"build": {"context": ".", "dockerfile": "Dockerfile"}}
    service["image"] = f"{spec.name}:local"
    service["environment"] = _app_environment(spec, catalog)
    service["networks"] = [BACKEND, EDGE]
    service["security_opt"] = ["no-new-privileges:true"]
    service["cap_drop"] = ["ALL"]
    return service


def compose_document(spec: ServiceSpec, catalog: Catalog | None = None) -> dict[str, Any]:
    """``compose.yaml`` as data."""
    cat = catalog if catalog is not None else default_catalog()
    services: dict[str, Any] = {}
    volumes: dict[str, Any] = {}
    for name in sorted(spec.services):
        services[name] = _backing(spec, name, cat)
        if cat.get(spec.services[name].kind).data_path is not None:
            volumes[f"{name}-data"] = {}

    if spec.migrate_argv is not None:
        migrate = _app_like(spec, cat)
        migrate["command"] = [_escape(arg) for arg in spec.migrate_argv]
        migrate["restart"] = "no"
        migrate["healthcheck"] = {"disable": True}
        if spec.services:
            migrate["depends_on"] = _depends(spec, migrate=False)
        migrate["deploy"] = deploy_resources(spec.resources)
        services["migrate"] = migrate

    app = _app_like(spec, cat)
    app["restart"] = "unless-stopped"
    app["ports"] = [f"127.0.0.1:{spec.port}:{spec.port}"]
    app["healthcheck"] = {
        "test": ["CMD", *(_escape(arg) for arg in healthcheck_argv(spec))],
        "interval": f"{spec.probes.period_s}s",
        "timeout": f"{spec.probes.timeout_s}s",
        "retries": 3,
        "start_period": "30s",
    }
    depends = _depends(spec, migrate=True)
    if depends:
        app["depends_on"] = depends
    app["stop_grace_period"] = f"{contract.TERMINATION_GRACE_PERIOD_S}s"
    app["deploy"] = deploy_resources(spec.resources)
    if spec.volumes:
        app["volumes"] = [f"{name}:{volume.path}" for name, volume in sorted(spec.volumes.items())]
        volumes.update({name: {} for name in sorted(spec.volumes)})
    services["app"] = app

    for name, process in sorted(spec.processes.items()):
        worker = _app_like(spec, cat)
        worker["command"] = [_escape(arg) for arg in process.argv]
        worker["restart"] = "unless-stopped"
        worker["healthcheck"] = {"disable": True}
        if depends:
            worker["depends_on"] = depends
        worker["stop_grace_period"] = f"{contract.TERMINATION_GRACE_PERIOD_S}s"
        # Processes publish no port, so compose can run several replicas of them.
        worker["deploy"] = {
            "replicas": process.replicas,
            **deploy_resources(process.resources or spec.resources),
        }
        services[name] = worker

    # Imported here: both modules import BACKEND, EDGE and interpolate from this one.
    from prodready.generate.targets import monitoring, nginx

    services.update(monitoring.compose_services(spec, catalog=cat))
    services.update(nginx.compose_services(spec))
    volumes.update(monitoring.compose_volumes())

    document: dict[str, Any] = {"name": spec.name, "services": services}
    document["networks"] = {BACKEND: {"internal": True}, EDGE: {}}
    if volumes:
        document["volumes"] = volumes
    return document


def compose_prod_document(spec: ServiceSpec) -> dict[str, Any]:
    """``compose.prod.yaml`` as data: the production override."""
    image = "${IMAGE:?set IMAGE to the pushed image reference, e.g. registry/app@sha256:...}"
    services: dict[str, Any] = {}
    for name in sorted(spec.services):
        services[name] = {"restart": "always", "logging": LOG_OPTIONS}
    if spec.migrate is not None:
        services["migrate"] = {"image": image, "pull_policy": "always", "logging": LOG_OPTIONS}
    services["app"] = {
        "image": image,
        "pull_policy": "always",
        "restart": "always",
        "logging": LOG_OPTIONS,
    }
    for name in sorted(spec.processes):
        services[name] = {
            "image": image,
            "pull_policy": "always",
            "restart": "always",
            "logging": LOG_OPTIONS,
        }
    return {"services": services}


def _render(spec: ServiceSpec) -> dict[str, str]:
    return {
        "compose.yaml": dump_yaml(compose_document(spec)),
        "compose.prod.yaml": dump_yaml(compose_prod_document(spec)),
    }


TARGET = Target(
    name="compose",
    render=_render,
    description="compose.yaml (app, processes, migrate, backing services) + production override",
)
