"""Compose services for the ``monitoring`` profile: Prometheus, Grafana, one exporter per service.

Returned as data for the compose target to merge into ``compose.yaml``; nothing here starts unless
``docker compose --profile monitoring up`` asks for it. Ports are published on 127.0.0.1 only.
"""

from __future__ import annotations

import re
from typing import Any

from prodready.catalog import Catalog, connection, default_catalog
from prodready.generate.targets.compose import BACKEND, EDGE, deploy_resources, interpolate
from prodready.generate.targets.monitoring._grafana import DASHBOARDS_DIR
from prodready.generate.targets.monitoring._plan import exporter_service_name
from prodready.generate.targets.monitoring._prometheus import PROMETHEUS_PORT, RULES_DIR
from prodready.spec import Resources, ServiceSpec

__all__ = [
    "GRAFANA_ADMIN_SECRET",
    "GRAFANA_IMAGE",
    "GRAFANA_PORT",
    "PROFILE",
    "PROMETHEUS_IMAGE",
    "compose_services",
    "compose_volumes",
]

PROFILE = "monitoring"
PROMETHEUS_IMAGE = "prom/prometheus:v2.55.1"
GRAFANA_IMAGE = "grafana/grafana:11.4.0"
GRAFANA_PORT = 3000
# The one secret the monitoring profile adds: Grafana's admin password, from the git-ignored .env.
GRAFANA_ADMIN_SECRET = "GRAFANA_ADMIN_PASSWORD"  # noqa: S105 - a secret name, not a value
_SECRET_REF = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")
# Sized for one service's metrics at the default 15 s scrape interval and 15 days of retention.
PROMETHEUS_RESOURCES = Resources(
    cpu_request="100m", cpu_limit="1", memory_request="256Mi", memory_limit="1Gi"
)
GRAFANA_RESOURCES = Resources(
    cpu_request="50m", cpu_limit="500m", memory_request="128Mi", memory_limit="512Mi"
)
EXPORTER_RESOURCES = Resources(
    cpu_request="25m", cpu_limit="250m", memory_request="32Mi", memory_limit="128Mi"
)
_HARDENING: dict[str, Any] = {"security_opt": ["no-new-privileges:true"], "cap_drop": ["ALL"]}


def _hardened() -> dict[str, Any]:
    return {key: list(value) for key, value in _HARDENING.items()}


def _compose_env(value: str) -> str:
    """``${SECRET}`` references become compose interpolations; any other ``$`` is escaped."""
    parts = _SECRET_REF.split(value)
    return "".join(
        interpolate(part) if index % 2 else part.replace("$", "$$")
        for index, part in enumerate(parts)
    )


def compose_services(spec: ServiceSpec, *, catalog: Catalog | None = None) -> dict[str, Any]:
    """``prometheus``, ``grafana`` and ``<service>-exporter`` services, all in the profile."""
    cat = catalog if catalog is not None else default_catalog()
    root = "./deploy/monitoring"
    services: dict[str, Any] = {
        "prometheus": {
            "image": PROMETHEUS_IMAGE,
            "profiles": [PROFILE],
            "command": [
                "--config.file=/etc/prometheus/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=15d",
            ],
            "volumes": [
                f"{root}/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                f"{root}/{RULES_DIR}:/etc/prometheus/{RULES_DIR}:ro",
                "prometheus-data:/prometheus",
            ],
            "ports": [f"127.0.0.1:{PROMETHEUS_PORT}:{PROMETHEUS_PORT}"],
            "networks": [BACKEND, EDGE],
            "read_only": True,
            **_hardened(),
            "healthcheck": {
                "test": ["CMD", "wget", "-qO-", f"http://127.0.0.1:{PROMETHEUS_PORT}/-/ready"],
                "interval": "10s",
                "timeout": "5s",
                "retries": 5,
            },
            "restart": "unless-stopped",
            "deploy": deploy_resources(PROMETHEUS_RESOURCES),
        },
        "grafana": {
            "image": GRAFANA_IMAGE,
            "profiles": [PROFILE],
            "environment": {
                "GF_SECURITY_ADMIN_PASSWORD": interpolate(GRAFANA_ADMIN_SECRET),
                "GF_USERS_ALLOW_SIGN_UP": "false",
                "GF_AUTH_ANONYMOUS_ENABLED": "false",
                "GF_ANALYTICS_REPORTING_ENABLED": "false",
            },
            "volumes": [
                f"{root}/grafana/provisioning:/etc/grafana/provisioning:ro",
                f"{root}/grafana/dashboards:{DASHBOARDS_DIR}:ro",
                "grafana-data:/var/lib/grafana",
            ],
            "ports": [f"127.0.0.1:{GRAFANA_PORT}:{GRAFANA_PORT}"],
            "networks": [BACKEND, EDGE],
            **_hardened(),
            "depends_on": {"prometheus": {"condition": "service_healthy"}},
            "restart": "unless-stopped",
            "deploy": deploy_resources(GRAFANA_RESOURCES),
        },
    }
    for name in sorted(spec.services):
        entry = cat.get(spec.services[name].kind)
        exporter = entry.exporter
        if exporter is None or exporter.image is None:
            continue
        conn = connection(spec, name, catalog=cat)
        service: dict[str, Any] = {"image": exporter.image, "profiles": [PROFILE]}
        env = {key: _compose_env(value) for key, value in exporter.env(conn).items()}
        if env:
            service["environment"] = env
        args = exporter.args(conn)
        if args:
            service["command"] = [arg.replace("$", "$$") for arg in args]
        service.update(
            {
                "networks": [BACKEND],
                "read_only": True,
                **_hardened(),
                "depends_on": {name: {"condition": "service_healthy"}},
                "restart": "unless-stopped",
                "deploy": deploy_resources(EXPORTER_RESOURCES),
            }
        )
        services[exporter_service_name(name)] = service
    return services


def compose_volumes() -> dict[str, Any]:
    """Named volumes the monitoring services use."""
    return {"prometheus-data": {}, "grafana-data": {}}
