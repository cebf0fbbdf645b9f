"""The service spec: one frozen description of a Python web service that every face reads.

It lives in ``[tool.prodready]`` of ``pyproject.toml`` (or at the top level of ``prodready.toml``)
and is parsed into :class:`ServiceSpec`. Every model is frozen and rejects unknown keys, so a typo
is an error instead of a silently ignored setting. Defaults come from :mod:`prodready._contract`,
so a spec that says nothing about probes, the port or the UID agrees with the runtime.

Derived values (worker count, database name, the app's import root) are computed here, in Python,
where they are tested — never in templates.
"""

from __future__ import annotations

import re
import shlex
import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from prodready import _contract as contract
from prodready.spec._quantity import cpu_millis, memory_bytes

__all__ = [
    "CACHE_DIR",
    "KINDS",
    "Autoscaling",
    "BackingService",
    "Build",
    "BuildFile",
    "Environment",
    "Ingress",
    "Kind",
    "Probes",
    "Process",
    "Resources",
    "Server",
    "ServiceSpec",
    "Volume",
]

# Baked build-time files (ML models) land here, owned by the app user. It is $XDG_CACHE_HOME in
# the image. Generators must never mount an empty volume over it: that would hide the baked files
# and make the app download them again at start-up (the seed-004 lesson).
CACHE_DIR = f"{contract.APP_HOME}/.cache"

Kind = Literal[
    "postgres",
    "redis",
    "kafka",
    "rabbitmq",
    "mongodb",
    "neo4j",
    "elasticsearch",
    "opensearch",
    "mysql",
    "mariadb",
]
KINDS: tuple[str, ...] = typing.get_args(Kind)

_DNS_LABEL = re.compile(r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_APP_REF = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*$")
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"
)
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_PINNED_APT = re.compile(r"^[a-z0-9][a-z0-9+.-]+=[A-Za-z0-9.+~:-]+$")
_SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "PRIVATE_KEY", "API_KEY", "CREDENTIAL")
_RESERVED_PROCESS_NAMES = frozenset({"web", "migrate"})
_SIZE = re.compile(r"^\d+[kmg]?$")

Port = Annotated[int, Field(ge=1024, le=65535)]
Positive = Annotated[int, Field(ge=1)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _dns_label(value: str, what: str) -> str:
    if not _DNS_LABEL.match(value):
        raise ValueError(
            f"{what} {value!r} must be a DNS label: lowercase letters, digits and '-', starting "
            "with a letter, at most 63 characters"
        )
    return value


def _argv(command: str, what: str) -> tuple[str, ...]:
    try:
        argv = tuple(shlex.split(command))
    except ValueError as exc:
        raise ValueError(f"{what} {command!r} cannot be split into arguments: {exc}") from exc
    if not argv:
        raise ValueError(f"{what} must not be empty")
    return argv


def _path(value: str, what: str) -> str:
    if not value.startswith("/") or "//" in value or any(c.isspace() for c in value):
        raise ValueError(f"{what} {value!r} must be an absolute path such as '/health/live'")
    return value


class Resources(_Model):
    """CPU and memory in Kubernetes quantities; requests must not exceed limits.

    The defaults (250m/1 CPU, 256Mi/512Mi) give one server worker: worker counts follow the CPU
    limit, never the host's core count.
    """

    cpu_request: str = "250m"
    cpu_limit: str = "1"
    memory_request: str = "256Mi"
    memory_limit: str = "512Mi"

    @field_validator("cpu_request", "cpu_limit")
    @classmethod
    def _cpu(cls, value: str) -> str:
        cpu_millis(value)
        return value

    @field_validator("memory_request", "memory_limit")
    @classmethod
    def _memory(cls, value: str) -> str:
        memory_bytes(value)
        return value

    @model_validator(mode="after")
    def _requests_within_limits(self) -> Resources:
        if cpu_millis(self.cpu_request) > cpu_millis(self.cpu_limit):
            raise ValueError(
                f"cpu_request {self.cpu_request!r} exceeds cpu_limit {self.cpu_limit!r}"
            )
        if memory_bytes(self.memory_request) > memory_bytes(self.memory_limit):
            raise ValueError(
                f"memory_request {self.memory_request!r} exceeds memory_limit {self.memory_limit!r}"
            )
        return self

    @property
    def cpu_limit_millis(self) -> int:
        return cpu_millis(self.cpu_limit)

    @property
    def memory_limit_bytes(self) -> int:
        return memory_bytes(self.memory_limit)


class Server(_Model):
    """The ASGI server. ``workers`` unset means derived from the CPU and memory limits.

    ``forwarded_allow_ips`` defaults to ``*``: the container port is only reachable through the
    ingress/proxy on a private network, whose address is not known in advance. Narrow it when it is.
    """

    kind: Literal["uvicorn", "gunicorn"] = "uvicorn"
    workers: Positive | None = None
    memory_per_worker: str = "128Mi"
    forwarded_allow_ips: str = "*"
    graceful_timeout_s: Positive = contract.GRACEFUL_TIMEOUT_S

    @field_validator("memory_per_worker")
    @classmethod
    def _memory(cls, value: str) -> str:
        memory_bytes(value)
        return value


class Process(_Model):
    """A non-web process from the same image: a queue worker or a scheduler (e.g. Celery beat).

    A scheduler always runs exactly one replica, or every job would fire once per replica.
    """

    command: str
    kind: Literal["worker", "scheduler"] = "worker"
    replicas: Positive = 1
    resources: Resources | None = None

    @field_validator("command")
    @classmethod
    def _command(cls, value: str) -> str:
        _argv(value, "command")
        return value

    @model_validator(mode="after")
    def _one_scheduler(self) -> Process:
        if self.kind == "scheduler" and self.replicas != 1:
            raise ValueError(
                f"a scheduler runs exactly one replica, got replicas = {self.replicas}; "
                "more would fire every job once per replica"
            )
        return self

    @property
    def argv(self) -> tuple[str, ...]:
        return _argv(self.command, "command")


class BackingService(_Model):
    """A dependency of the service; image, port, health command and env come from the catalogue.

    ``version`` is the image tag (the catalogue pins a default); ``latest`` is refused.
    ``extensions`` is for PostgreSQL only (``pgvector``). ``database`` defaults to the service name
    with ``-`` replaced by ``_``.
    """

    kind: Kind
    version: str | None = None
    extensions: tuple[Literal["pgvector"], ...] = ()
    database: str | None = None

    @field_validator("version")
    @classmethod
    def _version(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _TAG.match(value) or value == "latest":
            raise ValueError(
                f"version {value!r} must be a pinned image tag such as '17.2' (not 'latest')"
            )
        return value

    @field_validator("database")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$", value):
            raise ValueError(f"database {value!r} must be letters, digits and '_'")
        return value

    @model_validator(mode="after")
    def _extensions_fit_kind(self) -> BackingService:
        if self.extensions and self.kind != "postgres":
            raise ValueError(f"extensions {list(self.extensions)} apply to postgres only")
        return self


class Probes(_Model):
    """Probe paths and timing; the defaults are the runtime's (:mod:`prodready._contract`).

    Liveness must never run dependency checks: a database outage would restart every pod
    (the seed-004 lesson), so the dependency-checking paths are refused for it.
    """

    liveness: str = contract.LIVENESS_PATH
    readiness: str = contract.READINESS_PATH
    startup: str = contract.STARTUP_PATH
    timeout_s: Positive = contract.PROBE_TIMEOUT_S
    period_s: Positive = contract.PROBE_PERIOD_S
    startup_failure_threshold: Positive = contract.STARTUP_FAILURE_THRESHOLD

    @field_validator("liveness", "readiness", "startup")
    @classmethod
    def _paths(cls, value: str) -> str:
        return _path(value, "probe path")

    @field_validator("liveness")
    @classmethod
    def _liveness_is_dependency_free(cls, value: str) -> str:
        if value in contract.DEPENDENCY_PATHS:
            raise ValueError(
                f"liveness path {value!r} runs dependency checks, so an outage would restart "
                f"every pod; use {contract.LIVENESS_PATH!r}"
            )
        return value

    @field_validator("timeout_s")
    @classmethod
    def _timeout_exceeds_check_timeout(cls, value: int) -> int:
        if value <= contract.CHECK_TIMEOUT_S:
            raise ValueError(
                f"timeout_s {value} must exceed the runtime's check timeout "
                f"({contract.CHECK_TIMEOUT_S:g} s)"
            )
        return value


class Autoscaling(_Model):
    """Horizontal autoscaling on CPU utilisation (percent of the CPU request).

    3 to 10 replicas by default, as the seed-000 system ran: with 3, one pod can be drained for a
    node upgrade while another rolls out and a third still serves.
    """

    min_replicas: Positive = 3
    max_replicas: Positive = 10
    cpu_percent: Annotated[int, Field(ge=10, le=100)] = 70

    @model_validator(mode="after")
    def _ordered(self) -> Autoscaling:
        if self.min_replicas > self.max_replicas:
            raise ValueError(
                f"min_replicas {self.min_replicas} exceeds max_replicas {self.max_replicas}"
            )
        return self


class Ingress(_Model):
    """The public host; ``max_body_size`` uses nginx syntax (``10m``), rate limit is per client."""

    host: str
    path: str = "/"
    tls: bool = True
    max_body_size: str = "10m"
    rate_limit_rps: Positive = 20

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not _HOSTNAME.match(value):
            raise ValueError(
                f"host {value!r} must be a lowercase DNS name such as 'api.example.com'"
            )
        return value

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        return _path(value, "ingress path")

    @field_validator("max_body_size")
    @classmethod
    def _size(cls, value: str) -> str:
        if not _SIZE.match(value):
            raise ValueError(f"max_body_size {value!r} must look like '10m', '512k' or '1g'")
        return value


class Volume(_Model):
    """Persistent storage mounted into the app container, writable by the app user."""

    path: str
    size: str = "1Gi"

    @field_validator("path")
    @classmethod
    def _mount(cls, value: str) -> str:
        _path(value, "volume path")
        if value == CACHE_DIR or value.startswith(CACHE_DIR + "/"):
            raise ValueError(
                f"volume path {value!r} would hide the baked cache {CACHE_DIR!r}; mount elsewhere"
            )
        return value

    @field_validator("size")
    @classmethod
    def _size(cls, value: str) -> str:
        memory_bytes(value)
        return value


class BuildFile(_Model):
    """A file downloaded at build time into the app-owned cache (``dest`` is relative to it).

    The checksum is required: a build that fetches an unpinned URL is not reproducible.
    """

    url: str
    sha256: str
    dest: str

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not re.match(r"^https://[^\s\"']+$", value):
            raise ValueError(f"url {value!r} must be an https:// URL without spaces or quotes")
        return value

    @field_validator("sha256")
    @classmethod
    def _digest(cls, value: str) -> str:
        if not re.match(r"^[0-9a-f]{64}$", value):
            raise ValueError("sha256 must be 64 lowercase hexadecimal digits")
        return value

    @field_validator("dest")
    @classmethod
    def _relative(cls, value: str) -> str:
        parts = value.split("/")
        if value.startswith("/") or ".." in parts or not re.match(r"^[\w./-]+$", value):
            raise ValueError(
                f"dest {value!r} must be a relative path inside {CACHE_DIR} (no '..', no spaces)"
            )
        return value


class Build(_Model):
    """How the image is built.

    ``run`` holds commands executed at build time, after the source is copied, *as the app user*
    with HOME and XDG_CACHE_HOME set (e.g. a script that loads a model once), so caches land in
    the app-owned cache and nothing is downloaded at start-up. The venv is read-only to that user:
    packages (spaCy models included) belong in the dependencies, not in ``run``.

    ``apt`` (runtime) and ``build_apt`` (builder stage only) must pin versions
    (``libpq5=15.10-0+deb12u1``): an unpinned package makes every build different.
    """

    requirements: str | None = None
    files: tuple[BuildFile, ...] = ()
    run: tuple[str, ...] = ()
    apt: tuple[str, ...] = ()
    build_apt: tuple[str, ...] = ()
    base_image: str | None = None

    @field_validator("requirements")
    @classmethod
    def _requirements(cls, value: str | None) -> str | None:
        if value is not None and (
            value.startswith("/") or ".." in value.split("/") or not re.match(r"^[\w./-]+$", value)
        ):
            raise ValueError(f"requirements {value!r} must be a relative path inside the project")
        return value

    @field_validator("base_image")
    @classmethod
    def _base_image(cls, value: str | None) -> str | None:
        if value is None:
            return None
        reference = re.match(
            r"^[a-z0-9][a-z0-9._/:-]*?(:(?P<tag>[\w.-]+))?(@sha256:[0-9a-f]{64})?$", value
        )
        if reference is None or (reference["tag"] in (None, "latest") and "@sha256:" not in value):
            raise ValueError(
                f"base_image {value!r} must be pinned: 'python:3.12-slim-bookworm' or "
                "'python@sha256:<digest>'"
            )
        return value

    @field_validator("apt", "build_apt")
    @classmethod
    def _pinned(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for package in value:
            if not _PINNED_APT.match(package):
                raise ValueError(
                    f"Debian package {package!r} must be pinned as 'name=version'; find the "
                    "version with 'apt-cache policy NAME' in the base image"
                )
        return value

    @field_validator("run")
    @classmethod
    def _commands(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for command in value:
            _argv(command, "build command")
        return value


class Environment(_Model):
    """A deployment environment (``production``, ``staging``): where external services live.

    ``hosts`` maps a backing-service name to ``host`` or ``host:port`` of the managed instance
    used there instead of an in-cluster one.
    """

    hosts: dict[str, str] = Field(default_factory=dict)
    ingress_host: str | None = None

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, value: dict[str, str]) -> dict[str, str]:
        for name, address in value.items():
            host, _, port = address.partition(":")
            if not _HOSTNAME.match(host) or (port and not port.isdigit()):
                raise ValueError(
                    f"hosts.{name} = {address!r} must be 'host' or 'host:port' with a DNS name"
                )
        return value


class ServiceSpec(_Model):
    """Everything prodready knows about one service. Frozen; unknown keys are errors.

    Only ``name`` and ``app`` are required. Secret *values* never appear here, only their names.
    """

    name: str
    app: str
    port: Port = contract.DEFAULT_PORT
    python: str = "3.12"
    package_manager: Literal["uv", "poetry", "pdm", "pip"] = "pip"
    source_dir: str = "."
    server: Server = Server()
    processes: dict[str, Process] = Field(default_factory=dict)
    services: dict[str, BackingService] = Field(default_factory=dict)
    env: dict[str, str] = Field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    resources: Resources = Resources()
    replicas: Positive = 2
    autoscaling: Autoscaling | None = None
    probes: Probes = Probes()
    metrics_path: str = contract.METRICS_PATH
    ingress: Ingress | None = None
    volumes: dict[str, Volume] = Field(default_factory=dict)
    build: Build = Build()
    migrate: str | None = None
    environments: dict[str, Environment] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _kind_from_key(cls, data: Any) -> Any:
        """``[tool.prodready.services.postgres]`` may omit ``kind = "postgres"``."""
        if isinstance(data, dict) and isinstance(data.get("services"), dict):
            services = {}
            for key, value in data["services"].items():
                if isinstance(value, dict) and "kind" not in value and key in KINDS:
                    value = {"kind": key, **value}
                services[key] = value
            data = {**data, "services": services}
        return data

    @model_validator(mode="before")
    @classmethod
    def _replicas_follow_autoscaling(cls, data: Any) -> Any:
        """With autoscaling and no explicit ``replicas``, start at the autoscaler's minimum."""
        if isinstance(data, dict) and "replicas" not in data:
            scaling = data.get("autoscaling")
            if isinstance(scaling, dict):
                minimum = scaling.get(
                    "min_replicas", Autoscaling.model_fields["min_replicas"].default
                )
                if isinstance(minimum, int):
                    data = {**data, "replicas": minimum}
        return data

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _dns_label(value, "name")

    @field_validator("app")
    @classmethod
    def _app(cls, value: str) -> str:
        if not _APP_REF.match(value):
            raise ValueError(f"app {value!r} must be 'module:attribute', e.g. 'myservice.main:app'")
        return value

    @field_validator("python")
    @classmethod
    def _python(cls, value: str) -> str:
        if not re.match(r"^3\.(1[1-9]|[2-9]\d)$", value):
            raise ValueError(f"python {value!r} must be a minor version such as '3.12' (>= 3.11)")
        return value

    @field_validator("source_dir")
    @classmethod
    def _source_dir(cls, value: str) -> str:
        if value.startswith("/") or ".." in value.split("/") or not re.match(r"^[\w./-]+$", value):
            raise ValueError(f"source_dir {value!r} must be a relative path such as 'src' or '.'")
        return value.rstrip("/") or "."

    @field_validator("processes", "volumes", "services", "environments")
    @classmethod
    def _keys_are_labels(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            _dns_label(key, "name")
        return value

    @field_validator("env")
    @classmethod
    def _plain_env(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not _ENV_NAME.match(key):
                raise ValueError(f"env name {key!r} must be UPPER_SNAKE_CASE")
            if any(word in key for word in _SECRET_WORDS):
                raise ValueError(
                    f"env {key!r} looks like a secret; list its name in 'secrets' and set the "
                    "value outside the repository"
                )
        return value

    @field_validator("secrets")
    @classmethod
    def _secret_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for key in value:
            if not _ENV_NAME.match(key):
                raise ValueError(f"secret name {key!r} must be UPPER_SNAKE_CASE")
        if len(set(value)) != len(value):
            raise ValueError("secrets lists a name twice")
        return value

    @field_validator("metrics_path")
    @classmethod
    def _metrics_path(cls, value: str) -> str:
        return _path(value, "metrics_path")

    @field_validator("migrate")
    @classmethod
    def _migrate(cls, value: str | None) -> str | None:
        if value is not None:
            _argv(value, "migrate")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ServiceSpec:
        for name in self.processes:
            if name in _RESERVED_PROCESS_NAMES or name in self.services:
                raise ValueError(
                    f"process name {name!r} clashes with "
                    + ("a built-in process" if name in _RESERVED_PROCESS_NAMES else "a service")
                )
        for key in set(self.env) & set(self.secrets):
            raise ValueError(f"{key!r} is both in env and in secrets; keep it in secrets only")
        for env_name, env in self.environments.items():
            for name in env.hosts:
                if name not in self.services:
                    raise ValueError(
                        f"environments.{env_name}.hosts.{name}: no service named {name!r} "
                        f"(services: {', '.join(sorted(self.services)) or 'none'})"
                    )
        if self.autoscaling is not None and not (
            self.autoscaling.min_replicas <= self.replicas <= self.autoscaling.max_replicas
        ):
            raise ValueError(
                f"replicas {self.replicas} must lie between autoscaling.min_replicas and "
                "max_replicas"
            )
        if self.server.workers is not None and self.server.workers > self.max_workers:
            raise ValueError(
                f"server.workers {self.server.workers} needs "
                f"{self.server.workers} x {self.server.memory_per_worker} but memory_limit is "
                f"{self.resources.memory_limit}; raise the limit or lower the workers"
            )
        for name, volume in self.volumes.items():
            if volume.path in {"/", contract.APP_DIR, contract.APP_HOME}:
                raise ValueError(f"volumes.{name}.path {volume.path!r} would hide the image")
        return self

    # --- derived values ---------------------------------------------------------------------

    @property
    def max_workers(self) -> int:
        """How many workers fit in the memory limit at ``server.memory_per_worker`` each."""
        return max(
            1, self.resources.memory_limit_bytes // memory_bytes(self.server.memory_per_worker)
        )

    @property
    def workers(self) -> int:
        """Server workers: ``server.workers`` if set, else one per whole CPU of the CPU limit.

        Derived from the *limit*, never from the host's core count: a pod limited to 1 CPU on a
        64-core node must not start 64 workers. Capped by what fits in the memory limit.
        """
        if self.server.workers is not None:
            return self.server.workers
        return max(1, min(self.resources.cpu_limit_millis // 1000, self.max_workers))

    @property
    def app_module(self) -> str:
        return self.app.partition(":")[0]

    @property
    def app_attr(self) -> str:
        return self.app.partition(":")[2]

    @property
    def migrate_argv(self) -> tuple[str, ...] | None:
        return None if self.migrate is None else _argv(self.migrate, "migrate")

    def database_name(self, service: str) -> str:
        """The database a backing service hosts for this app: ``database`` or the app's name."""
        declared = self.services[service].database
        return declared if declared is not None else self.name.replace("-", "_")
