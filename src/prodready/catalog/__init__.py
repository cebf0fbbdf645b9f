"""The backing-service catalogue: one module per kind, read by every face.

Typical use::

    from prodready.catalog import default_catalog, app_env, secret_names
    catalog = default_catalog()
    entry = catalog.get("postgres")          # image, port, health command, env shape, exporter
    env = app_env(spec, catalog=catalog)     # {"DATABASE_URL": "postgresql://app:${POSTGRES_PASSWORD}@postgres:5432/shop"}

The wiring helpers below turn a :class:`~prodready.spec.ServiceSpec` into the concrete connections,
env and secret names, so compose, Kubernetes, CI, ``.env.example`` and verify cannot disagree.
Nothing registers at import: :func:`default_catalog` builds a fresh instance.
"""

from __future__ import annotations

from prodready.catalog import elasticsearch, kafka, mongodb, mysql, neo4j, postgres, rabbitmq, redis
from prodready.catalog._model import (
    Catalog,
    CatalogEntry,
    Connection,
    Exporter,
    secret_refs,
    substitute,
)
from prodready.errors import SpecError
from prodready.spec import ServiceSpec

__all__ = [
    "Catalog",
    "CatalogEntry",
    "Connection",
    "Exporter",
    "app_env",
    "app_secret_names",
    "connection",
    "default_catalog",
    "image_ref",
    "secret_names",
    "secret_refs",
    "service_env_names",
    "substitute",
]


def default_catalog() -> Catalog:
    """A new catalogue holding every built-in kind."""
    return Catalog(
        [
            postgres.ENTRY,
            redis.ENTRY,
            kafka.ENTRY,
            rabbitmq.ENTRY,
            mongodb.ENTRY,
            neo4j.ENTRY,
            elasticsearch.ELASTICSEARCH,
            elasticsearch.OPENSEARCH,
            mysql.MYSQL,
            mysql.MARIADB,
        ]
    )


def _catalog(catalog: Catalog | None) -> Catalog:
    return catalog if catalog is not None else default_catalog()


def connection(
    spec: ServiceSpec,
    name: str,
    *,
    environment: str | None = None,
    catalog: Catalog | None = None,
) -> Connection:
    """How the app reaches backing service ``name``.

    Locally (``environment=None``) the host is the service name (a compose service / Kubernetes
    Service of that name). In an environment whose ``hosts`` lists the service, the external
    ``host[:port]`` is used instead.
    """
    entry = _catalog(catalog).get(spec.services[name].kind)
    host, port = name, entry.port
    if environment is not None:
        env = spec.environments.get(environment)
        if env is None:
            raise SpecError(
                f"no environment named {environment!r}",
                location="tool.prodready.environments",
                expected=f"one of: {', '.join(sorted(spec.environments)) or 'none declared'}",
            )
        address = env.hosts.get(name)
        if address is not None:
            host, _, port_text = address.partition(":")
            port = int(port_text) if port_text else entry.port
    return Connection(
        host=host, port=port, user=entry.default_user, database=spec.database_name(name)
    )


def app_env(
    spec: ServiceSpec, *, environment: str | None = None, catalog: Catalog | None = None
) -> dict[str, str]:
    """Every env var the app receives for its backing services, with ``${SECRET}`` references.

    Raises :class:`SpecError` when two services would set the same name (two databases both
    giving ``DATABASE_URL``).
    """
    cat = _catalog(catalog)
    env: dict[str, str] = {}
    owner: dict[str, str] = {}
    for name in sorted(spec.services):
        entry = cat.get(spec.services[name].kind)
        values = entry.app_env(connection(spec, name, environment=environment, catalog=cat))
        for key, value in values.items():
            if key in owner:
                raise SpecError(
                    f"services {owner[key]!r} and {name!r} both give the app {key}",
                    location=f"tool.prodready.services.{name}",
                    hint="keep one service per kind of connection; the app reads one " + key,
                )
            if key in spec.env or key in spec.secrets:
                raise SpecError(
                    f"{key} is set by service {name!r} and also declared in env/secrets",
                    location=f"tool.prodready.services.{name}",
                    hint=f"remove {key} from env/secrets; prodready derives it from the service",
                )
            owner[key] = name
            env[key] = value
    return env


def service_env_names(spec: ServiceSpec, *, catalog: Catalog | None = None) -> tuple[str, ...]:
    """The names of :func:`app_env` (sorted)."""
    return tuple(sorted(app_env(spec, catalog=catalog)))


def secret_names(spec: ServiceSpec, *, catalog: Catalog | None = None) -> tuple[str, ...]:
    """Every secret the stack needs: the spec's own plus each backing service's (sorted)."""
    cat = _catalog(catalog)
    names = set(spec.secrets)
    for service in spec.services.values():
        names.update(cat.get(service.kind).secrets)
    return tuple(sorted(names))


def app_secret_names(spec: ServiceSpec, *, catalog: Catalog | None = None) -> tuple[str, ...]:
    """Secrets the app container receives directly: the spec's own, those referenced by
    :func:`app_env`, and those a service hands the app (Neo4j's password). Sorted."""
    cat = _catalog(catalog)
    names = set(spec.secrets)
    for value in app_env(spec, catalog=cat).values():
        names.update(secret_refs(value))
    for service in spec.services.values():
        names.update(cat.get(service.kind).app_secrets)
    return tuple(sorted(names))


def image_ref(spec: ServiceSpec, name: str, *, catalog: Catalog | None = None) -> str:
    """The pinned image reference of backing service ``name``."""
    service = spec.services[name]
    return _catalog(catalog).get(service.kind).image_ref(service.version, service.extensions)
