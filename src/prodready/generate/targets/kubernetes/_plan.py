"""What the Kubernetes builders need to know, as plain frozen data.

The builders are pure functions of a :class:`Plan`; ``_adapt.plan_from_spec`` is the only place
that reads the service spec and the catalogue. Every manifest can therefore be tested from a plan,
and a change in the spec model touches one function.

Env values follow the catalogue's convention: ``${NAME}`` references the secret ``NAME``; the
builders turn it into ``$(NAME)`` after declaring ``NAME`` from the Secret.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resources:
    """Kubernetes quantities, already validated by the spec (``500m``, ``512Mi``)."""

    cpu_request: str
    cpu_limit: str
    memory_request: str
    memory_limit: str


@dataclass(frozen=True)
class Process:
    """One long-running process from the app image: the web server or a queue worker/scheduler.

    ``command`` is ``None`` for the image's default command (the web server the Dockerfile starts).
    Only the ``http`` process gets a Service, HTTP probes and the Ingress.
    """

    name: str
    command: tuple[str, ...] | None
    http: bool
    resources: Resources
    replicas: int = 1


@dataclass(frozen=True)
class Probes:
    """Probe paths and timing (the spec's, whose defaults are the runtime contract's)."""

    liveness: str
    readiness: str
    startup: str
    timeout_s: int
    period_s: int
    startup_failure_threshold: int


@dataclass(frozen=True)
class Endpoint:
    """Where the app reaches a dependency in one overlay: a DNS name and a TCP port."""

    host: str
    port: int


@dataclass(frozen=True)
class Dependency:
    """One backing service: the dev overlay's StatefulSet and the prod overlay's external endpoint.

    ``name`` is the spec's key and the dev Service name, so the host the app is given in dev is a
    Service of the same render by construction. ``server_env`` values may reference secrets.
    """

    name: str
    kind: str
    image: str
    port: int
    server_env: tuple[tuple[str, str], ...]
    command: tuple[str, ...] | None
    health_command: tuple[str, ...]
    data_path: str | None
    storage: str
    resources: Resources
    run_as_user: int
    start_period_s: int
    external: Endpoint | None


@dataclass(frozen=True)
class Volume:
    """A declared persistent volume: a PVC mounted at ``mount_path`` in the web pods."""

    name: str
    mount_path: str
    size: str


@dataclass(frozen=True)
class Autoscaling:
    """HPA bounds and utilisation targets (percent of the container requests)."""

    min_replicas: int
    max_replicas: int
    cpu_percent: int
    memory_percent: int


@dataclass(frozen=True)
class Ingress:
    """The public host (per overlay), path, TLS and the nginx edge limits."""

    dev_host: str
    prod_host: str
    path: str
    tls: bool
    max_body_size: str
    rate_limit_rps: int


@dataclass(frozen=True)
class Plan:
    """Everything the Kubernetes target renders from, derived from one service spec.

    ``dev_env``/``prod_env`` are the app's connection settings per overlay (``DATABASE_URL`` …);
    ``app_secrets`` the Secret keys the app container reads; ``secrets`` every key of the Secret.
    """

    app: str
    namespace: str
    image: str
    port: int
    uid: int
    gid: int
    home: str
    cache_dir: str
    cache_baked: bool
    probes: Probes
    metrics_path: str
    graceful_timeout_s: int
    processes: tuple[Process, ...]
    dependencies: tuple[Dependency, ...]
    settings: tuple[tuple[str, str], ...]
    app_secrets: tuple[str, ...]
    secrets: tuple[str, ...]
    dev_env: tuple[tuple[str, str], ...]
    prod_env: tuple[tuple[str, str], ...]
    volumes: tuple[Volume, ...]
    replicas: int
    autoscaling: Autoscaling | None
    ingress: Ingress | None
    migration_command: tuple[str, ...] | None
    headless_service: bool = False
    wait_for_dependencies: bool = False
    external_secret_store: str | None = None
    ingress_class: str = "nginx"
    ingress_namespace: str = "ingress-nginx"
    monitoring_namespace: str = "monitoring"

    @property
    def web(self) -> Process:
        """The HTTP process (exactly one; the adapter puts it first)."""
        return self.processes[0]

    @property
    def prod_min_replicas(self) -> int:
        """The fewest web pods prod runs: the HPA floor, else the fixed replica count."""
        return self.autoscaling.min_replicas if self.autoscaling else self.replicas
