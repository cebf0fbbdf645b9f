"""The ``nginx`` target: ``deploy/nginx/nginx.conf``, the edge in front of the app.

Every value the template prints is computed here (:func:`plan_from_spec`): the upstream is the
compose service of the app on its spec port; probe and metrics paths are exempt from the rate
limit; the upstream keepalive timeout stays below the app server's own; forwarded headers are
overwritten at the edge, so what the app trusts (``server.forwarded_allow_ips``) is what nginx set.
The config runs unprivileged: pid and temp files live under ``runtime_dir`` (``/tmp``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from prodready import _contract as contract
from prodready.generate._model import Target
from prodready.generate._render import render_template
from prodready.generate.targets.compose import EDGE, deploy_resources
from prodready.generate.targets.monitoring._plan import COMPOSE_APP_SERVICE
from prodready.spec import Resources, ServiceSpec

__all__ = [
    "CONF_PATH",
    "EDGE_HEALTH_PATH",
    "LISTEN_PORT",
    "TARGET",
    "NginxPlan",
    "compose_services",
    "plan_from_spec",
    "render",
    "render_plan",
]

CONF_PATH = "deploy/nginx/nginx.conf"
# The unprivileged image cannot bind below 1024.
LISTEN_PORT = 8080
# Answered by nginx itself (the compose healthcheck of the proxy), never proxied.
EDGE_HEALTH_PATH = "/nginx-health"
PROFILE = "edge"
IMAGE = "nginxinc/nginx-unprivileged:1.27.3-alpine"
# An event-driven proxy in front of one app: a fraction of a CPU and little memory.
RESOURCES = Resources(
    cpu_request="50m", cpu_limit="500m", memory_request="32Mi", memory_limit="128Mi"
)
DEFAULT_RATE_PER_S = 20
DEFAULT_MAX_BODY = "10m"
# Keep-alive timeouts of the app servers as the Dockerfile starts them: uvicorn's
# --timeout-keep-alive default (5 s) and gunicorn's --keep-alive default (2 s).
APP_KEEPALIVE_S = {"uvicorn": 5, "gunicorn": 2}
PRIVATE_NETWORKS = ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


@dataclass(frozen=True)
class TempPaths:
    """nginx's temp directories, one per module, all under the runtime directory."""

    client_body: str
    proxy: str
    fastcgi: str
    uwsgi: str
    scgi: str


@dataclass(frozen=True)
class NginxPlan:
    """Every value of ``nginx.conf``; ``upstream_host`` and ``runtime_dir`` are the only
    environment-specific ones (tests point them at loopback and a temporary directory)."""

    service: str
    upstream: str
    upstream_host: str
    upstream_port: int
    listen_port: int
    server_name: str
    zone: str
    rate_per_s: int
    burst: int
    max_body_size: str
    exempt_paths: tuple[str, ...]
    metrics_path: str
    edge_health_path: str
    private_networks: tuple[str, ...]
    security_headers: tuple[tuple[str, str], ...]
    forwarded_proto: str
    forwarded_allow_ips: str
    scheme_note: str
    app_keepalive_s: int
    upstream_keepalive_s: int
    keepalive_connections: int = 32
    connect_timeout_s: int = 5
    proxy_timeout_s: int = 60
    client_timeout_s: int = 15
    send_timeout_s: int = 30
    client_keepalive_s: int = 65
    runtime_dir: str = "/tmp"  # noqa: S108 - the unprivileged image's writable directory

    @property
    def pid_path(self) -> str:
        return f"{self.runtime_dir}/nginx.pid"

    @property
    def temp_paths(self) -> TempPaths:
        return TempPaths(
            **{
                name: f"{self.runtime_dir}/nginx_{name}_temp"
                for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            }
        )


def _security_headers(hsts: bool) -> tuple[tuple[str, str], ...]:
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Content-Security-Policy", "frame-ancestors 'none'"),
    ]
    if hsts:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return tuple(headers)


def plan_from_spec(spec: ServiceSpec) -> NginxPlan:
    """Derive the edge settings from the spec (``ingress`` when given, safe defaults otherwise)."""
    ingress = spec.ingress
    tls = ingress is not None and ingress.tls
    rate = ingress.rate_limit_rps if ingress is not None else DEFAULT_RATE_PER_S
    app_keepalive = APP_KEEPALIVE_S[spec.server.kind]
    exempt = {
        contract.HEALTH_PATH,
        contract.COMPONENTS_PATH,
        spec.probes.liveness,
        spec.probes.readiness,
        spec.probes.startup,
        spec.metrics_path,
    }
    return NginxPlan(
        service=spec.name,
        upstream=spec.name.replace("-", "_") + "_app",
        upstream_host=COMPOSE_APP_SERVICE,
        upstream_port=spec.port,
        listen_port=LISTEN_PORT,
        server_name=ingress.host if ingress is not None else "_",
        zone="per_client",
        rate_per_s=rate,
        burst=2 * rate,
        max_body_size=ingress.max_body_size if ingress is not None else DEFAULT_MAX_BODY,
        exempt_paths=tuple(sorted(exempt)),
        metrics_path=spec.metrics_path,
        edge_health_path=EDGE_HEALTH_PATH,
        private_networks=PRIVATE_NETWORKS,
        security_headers=_security_headers(tls),
        forwarded_proto="https" if tls else "$scheme",
        forwarded_allow_ips=spec.server.forwarded_allow_ips,
        scheme_note=(
            "the app is told X-Forwarded-Proto: https."
            if tls
            else "the app is told the scheme nginx itself received."
        ),
        app_keepalive_s=app_keepalive,
        upstream_keepalive_s=max(1, app_keepalive - 1),
    )


def render_plan(plan: NginxPlan) -> str:
    """``nginx.conf`` for ``plan``."""
    fields = {f.name: getattr(plan, f.name) for f in dataclasses.fields(plan)}
    return render_template(
        "nginx.conf.j2", **fields, pid_path=plan.pid_path, temp_paths=plan.temp_paths
    )


def compose_services(spec: ServiceSpec) -> dict[str, Any]:
    """The ``nginx`` compose service, in the ``edge`` profile, for the compose target to merge.

    It is the one service published on every interface: it is the edge. It runs read-only as
    nginx's unprivileged user with ``/tmp`` as a tmpfs (pid and temp files).
    """
    plan = plan_from_spec(spec)
    return {
        "nginx": {
            "image": IMAGE,
            "profiles": [PROFILE],
            "volumes": [f"./{CONF_PATH}:/etc/nginx/nginx.conf:ro"],
            "ports": [f"{plan.listen_port}:{plan.listen_port}"],
            "networks": [EDGE],
            "read_only": True,
            "tmpfs": [plan.runtime_dir],
            "security_opt": ["no-new-privileges:true"],
            "cap_drop": ["ALL"],
            "depends_on": {COMPOSE_APP_SERVICE: {"condition": "service_healthy"}},
            "healthcheck": {
                "test": [
                    "CMD",
                    "wget",
                    "-qO-",
                    f"http://127.0.0.1:{plan.listen_port}{plan.edge_health_path}",
                ],
                "interval": "10s",
                "timeout": "5s",
                "retries": 3,
            },
            "restart": "unless-stopped",
            "deploy": deploy_resources(RESOURCES),
        }
    }


def render(spec: ServiceSpec) -> dict[str, str]:
    """The target's pure render function."""
    return {CONF_PATH: render_plan(plan_from_spec(spec))}


TARGET = Target(
    name="nginx",
    render=render,
    description="nginx edge: keepalive upstream, rate limits, security headers, request IDs",
)
