"""The generated compose files: schema-valid, wired by health, private, and secret-free."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from generate_support import CASES, GOLDEN, TARGETS, compose_schema, copy_case

from prodready.catalog import default_catalog
from prodready.generate import generate
from prodready.generate.targets.compose import compose_document
from prodready.spec import ServiceSpec, load_spec, parse_spec

COMPOSE_FILES = ("compose.yaml", "compose.prod.yaml")


def _load(case: str, name: str = "compose.yaml") -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((GOLDEN / case / "expected" / name).read_text())
    return data


def _spec(case: str) -> ServiceSpec:
    return load_spec(GOLDEN / case / "input")


@pytest.mark.parametrize("name", COMPOSE_FILES)
@pytest.mark.parametrize("case", CASES)
def test_compose_file_validates_against_the_compose_spec_schema(case: str, name: str) -> None:
    jsonschema.Draft201909Validator(compose_schema()).validate(_load(case, name))


def test_schema_rejects_an_invalid_compose_file() -> None:
    """The schema is really applied: an unknown service key fails."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft201909Validator(compose_schema()).validate(
            {"services": {"app": {"image": "x", "helthcheck": {}}}}
        )


def test_every_kind_renders_a_schema_valid_compose_file() -> None:
    for kind in default_catalog().kinds():
        spec = parse_spec({"name": "svc", "app": "svc.main:app", "services": {kind: {}}})
        jsonschema.Draft201909Validator(compose_schema()).validate(compose_document(spec))


@pytest.mark.parametrize("case", ["pg-redis-web", "celery-rabbitmq"])
def test_app_waits_for_healthy_services_and_completed_migration(case: str) -> None:
    spec, services = _spec(case), _load(case)["services"]
    depends = services["app"]["depends_on"]
    for name in spec.services:
        assert depends[name] == {"condition": "service_healthy"}
        assert services[name]["healthcheck"]["test"][0] == "CMD"
    assert depends["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["command"] == ["alembic", "upgrade", "head"]
    assert services["migrate"]["restart"] == "no"
    assert "migrate" not in services["app"].get("command", [])


def test_spec_without_migrate_has_no_migrate_service() -> None:
    spec = parse_spec({"name": "svc", "app": "svc.main:app", "services": {"redis": {}}})
    document = compose_document(spec)
    assert "migrate" not in document["services"]
    assert "migrate" not in document["services"]["app"]["depends_on"]


@pytest.mark.parametrize("case", CASES)
def test_backing_services_publish_no_port_and_sit_on_the_internal_network(case: str) -> None:
    document = _load(case)
    assert document["networks"]["backend"] == {"internal": True}
    for name in _spec(case).services:
        assert "ports" not in document["services"][name]
        assert document["services"][name]["networks"] == ["backend"]
    for port in document["services"]["app"]["ports"]:
        assert port.startswith("127.0.0.1:")


@pytest.mark.parametrize("case", CASES)
def test_every_service_has_limits_and_stateful_services_named_volumes(case: str) -> None:
    document = _load(case)
    catalog = default_catalog()
    for name, service in document["services"].items():
        assert service["deploy"]["resources"]["limits"]["memory"].endswith("m"), name
    for name, backing in _spec(case).services.items():
        if catalog.get(backing.kind).data_path is not None:
            assert f"{name}-data" in document["volumes"]


@pytest.mark.parametrize("case", CASES)
def test_secrets_are_interpolated_from_env_never_literal(case: str) -> None:
    text = (GOLDEN / case / "expected" / "compose.yaml").read_text()
    example = (GOLDEN / case / "expected" / ".env.example").read_text()
    documented = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", example, re.MULTILINE))
    referenced = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)(?::\?[^}]*)?\}", text))
    assert referenced
    assert referenced <= documented


@pytest.mark.parametrize("case", CASES)
def test_generated_local_secrets_appear_only_in_dot_env(case: str, tmp_path: Path) -> None:
    project = copy_case(case, tmp_path)
    generate(project, only=TARGETS)
    values = [
        line.split("=", 1)[1]
        for line in (project / ".env").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    ]
    assert values
    defined = {line.split("=", 1)[0] for line in (project / ".env").read_text().splitlines()}
    referenced = set(
        re.findall(r"\$\{([A-Z_][A-Z0-9_]*):\?", (project / "compose.yaml").read_text())
    )
    assert referenced <= defined  # `docker compose up` finds every secret it interpolates
    for rel in ("compose.yaml", "compose.prod.yaml", ".env.example", "Dockerfile"):
        text = (project / rel).read_text()
        assert not any(value in text for value in values), rel


def test_app_receives_the_env_names_the_runtime_reads() -> None:
    spec = parse_spec(
        {
            "name": "svc",
            "app": "svc.main:app",
            "services": {
                "postgres": {},
                "redis": {},
                "kafka": {},
                "rabbitmq": {},
                "mongodb": {},
                "neo4j": {},
                "elasticsearch": {},
            },
        }
    )
    environment = compose_document(spec)["services"]["app"]["environment"]
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "KAFKA_BOOTSTRAP_SERVERS",
        "RABBITMQ_URL",
        "MONGODB_URL",
        "NEO4J_URI",
        "ELASTICSEARCH_URL",
    ):
        assert name in environment
    assert environment["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert environment["DATABASE_URL"].startswith("postgresql://app:${POSTGRES_PASSWORD:?")


def test_shell_dollars_in_health_commands_are_escaped_for_compose() -> None:
    spec = parse_spec({"name": "svc", "app": "svc.main:app", "services": {"redis": {}}})
    redis = compose_document(spec)["services"]["redis"]
    assert any("$$(redis-cli ping)" in arg for arg in redis["healthcheck"]["test"])
    assert any('"$$REDIS_PASSWORD"' in arg for arg in redis["command"])


def test_processes_share_the_image_and_disable_the_http_healthcheck() -> None:
    document = _load("celery-rabbitmq")
    services = document["services"]
    for name in ("worker", "beat"):
        assert services[name]["image"] == services["app"]["image"]
        assert services[name]["healthcheck"] == {"disable": True}
        assert services[name]["depends_on"]["rabbitmq"] == {"condition": "service_healthy"}
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["beat"]["deploy"]["replicas"] == 1


@pytest.mark.parametrize("case", CASES)
def test_monitoring_and_edge_services_start_only_behind_their_profiles(case: str) -> None:
    document = _load(case)
    profiled = {
        name: service["profiles"]
        for name, service in document["services"].items()
        if "profiles" in service
    }
    assert profiled.pop("nginx") == ["edge"]
    assert profiled.pop("prometheus") == ["monitoring"]
    assert profiled.pop("grafana") == ["monitoring"]
    assert all(profiles == ["monitoring"] for profiles in profiled.values())
    assert all(name.endswith("-exporter") for name in profiled)
    for name in ("app", *_spec(case).services):
        assert "profiles" not in document["services"][name]
    assert {"prometheus-data", "grafana-data"} <= set(document["volumes"])


@pytest.mark.parametrize("case", CASES)
def test_app_is_told_its_service_name(case: str) -> None:
    services = _load(case)["services"]
    assert services["app"]["environment"]["SERVICE_NAME"] == _spec(case).name


def test_production_override_runs_the_pushed_image(tmp_path: Path) -> None:
    prod = _load("celery-rabbitmq", "compose.prod.yaml")["services"]
    for name in ("app", "worker", "beat", "migrate"):
        assert prod[name]["image"].startswith("${IMAGE:?")
        assert prod[name]["pull_policy"] == "always"
    assert prod["app"]["restart"] == "always"
