"""The backing-service catalogue: complete, pinned, consistent, and wired to the spec."""

from __future__ import annotations

import re

import pytest

from prodready.catalog import (
    Catalog,
    Connection,
    app_env,
    app_secret_names,
    connection,
    default_catalog,
    image_ref,
    secret_names,
    secret_refs,
    substitute,
)
from prodready.errors import RegistryError, SpecError
from prodready.spec import KINDS, parse_spec

CATALOG = default_catalog()
CONN = Connection(host="db-host", port=1234, user="someone", database="things")
# The env names the runtime's settings and checkers read.
RUNTIME_ENV = {
    "postgres": {"DATABASE_URL"},
    "mysql": {"DATABASE_URL"},
    "mariadb": {"DATABASE_URL"},
    "redis": {"REDIS_URL"},
    "kafka": {"KAFKA_BOOTSTRAP_SERVERS"},
    "rabbitmq": {"RABBITMQ_URL"},
    "mongodb": {"MONGODB_URL"},
    "neo4j": {"NEO4J_URI", "NEO4J_USER"},
    "elasticsearch": {"ELASTICSEARCH_URL"},
    "opensearch": {"ELASTICSEARCH_URL"},
}


def test_every_spec_kind_has_exactly_one_entry() -> None:
    assert set(CATALOG.kinds()) == set(KINDS)


def test_the_catalogue_refuses_a_duplicate_kind() -> None:
    with pytest.raises(RegistryError, match="already in the catalogue"):
        Catalog([CATALOG.get("redis"), CATALOG.get("redis")])
    with pytest.raises(RegistryError, match="no catalogue entry"):
        CATALOG.get("cassandra")


@pytest.mark.parametrize("kind", KINDS)
def test_images_are_pinned_to_a_version(kind: str) -> None:
    ref = CATALOG.get(kind).image_ref()
    repository, _, tag = ref.rpartition(":")
    assert repository
    assert tag
    assert tag != "latest"
    assert re.match(r"^\d", tag)


@pytest.mark.parametrize("kind", KINDS)
def test_app_env_uses_the_names_the_runtime_reads(kind: str) -> None:
    assert set(CATALOG.get(kind).app_env(CONN)) == RUNTIME_ENV[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_secret_references_are_declared_by_the_entry(kind: str) -> None:
    entry = CATALOG.get(kind)
    values = [*entry.app_env(CONN).values(), *entry.server_env(CONN).values()]
    if entry.exporter is not None:
        values += list(entry.exporter.env(CONN).values())
    referenced = {name for value in values for name in secret_refs(value)}
    assert referenced <= set(entry.secrets)
    assert set(entry.app_secrets) <= set(entry.secrets)


@pytest.mark.parametrize("kind", KINDS)
def test_urls_carry_host_port_and_never_a_literal_password(kind: str) -> None:
    entry = CATALOG.get(kind)
    for value in entry.app_env(CONN).values():
        if "://" in value:
            assert "db-host:1234" in value
            for secret in entry.secrets:
                assert secret.lower() not in value.lower().replace(f"${{{secret.lower()}}}", "")


@pytest.mark.parametrize("kind", KINDS)
def test_health_commands_are_argv_lists(kind: str) -> None:
    argv = CATALOG.get(kind).health_command(CONN)
    assert argv
    assert all(isinstance(arg, str) and arg for arg in argv)


def test_postgres_health_names_the_user_and_uses_tcp() -> None:
    argv = CATALOG.get("postgres").health_command(CONN)
    assert argv[0] == "pg_isready"
    assert argv[argv.index("-U") + 1] == "someone"
    assert argv[argv.index("-h") + 1] == "127.0.0.1"


def test_the_known_health_commands() -> None:
    assert CATALOG.get("rabbitmq").health_command(CONN) == ("rabbitmq-diagnostics", "-q", "ping")
    assert "redis-cli ping" in " ".join(CATALOG.get("redis").health_command(CONN))
    assert "kafka-broker-api-versions" in CATALOG.get("kafka").health_command(CONN)[0]


def test_kafka_advertises_the_service_host() -> None:
    env = CATALOG.get("kafka").server_env(CONN)
    assert env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://db-host:1234"


def test_pgvector_switches_the_image_and_keeps_the_major_version() -> None:
    spec = parse_spec(
        {
            "name": "svc",
            "app": "svc.main:app",
            "services": {"postgres": {"version": "16.6", "extensions": ["pgvector"]}},
        }
    )
    assert image_ref(spec, "postgres") == "pgvector/pgvector:0.8.0-pg16"


def test_wiring_uses_service_names_locally_and_external_hosts_per_environment() -> None:
    spec = parse_spec(
        {
            "name": "shop",
            "app": "shop.main:app",
            "services": {"postgres": {}, "kafka": {}},
            "environments": {"production": {"hosts": {"kafka": "bootstrap.kafka:9093"}}},
        }
    )
    local = app_env(spec)
    assert local["DATABASE_URL"] == "postgresql://app:${POSTGRES_PASSWORD}@postgres:5432/shop"
    assert local["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    production = app_env(spec, environment="production")
    assert production["KAFKA_BOOTSTRAP_SERVERS"] == "bootstrap.kafka:9093"
    assert production["DATABASE_URL"] == local["DATABASE_URL"]
    assert connection(spec, "kafka", environment="production").port == 9093
    with pytest.raises(SpecError, match="no environment named 'staging'"):
        app_env(spec, environment="staging")


def test_two_services_giving_the_same_env_name_are_refused() -> None:
    spec = parse_spec(
        {"name": "svc", "app": "svc.main:app", "services": {"postgres": {}, "mysql": {}}}
    )
    with pytest.raises(SpecError, match="both give the app DATABASE_URL"):
        app_env(spec)


def test_declaring_a_derived_env_name_yourself_is_refused() -> None:
    spec = parse_spec(
        {"name": "svc", "app": "svc.main:app", "services": {"redis": {}}, "secrets": ["REDIS_URL"]}
    )
    with pytest.raises(SpecError, match="REDIS_URL is set by service"):
        app_env(spec)


def test_secret_names_cover_the_spec_and_every_service() -> None:
    spec = parse_spec(
        {
            "name": "svc",
            "app": "svc.main:app",
            "services": {"postgres": {}, "neo4j": {}, "kafka": {}},
            "secrets": ["SECRET_KEY"],
        }
    )
    assert secret_names(spec) == ("NEO4J_PASSWORD", "POSTGRES_PASSWORD", "SECRET_KEY")
    assert app_secret_names(spec) == ("NEO4J_PASSWORD", "POSTGRES_PASSWORD", "SECRET_KEY")


def test_substitute_resolves_only_secret_references() -> None:
    value = "postgresql://app:${POSTGRES_PASSWORD}@h:5432/db?x=$HOME"
    assert substitute(value, lambda name: f"<{name}>") == (
        "postgresql://app:<POSTGRES_PASSWORD>@h:5432/db?x=$HOME"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_server_whose_command_skips_the_entrypoint_runs_as_a_user(kind: str) -> None:
    entry = CATALOG.get(kind)
    if entry.command is not None and entry.command(CONN)[0] == "sh":
        assert entry.user is not None
        assert entry.user.split(":")[0] != "0"
