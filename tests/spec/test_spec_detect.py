"""Detection on re-creations of real FastAPI projects (see fixtures/README.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prodready.errors import SpecError
from prodready.spec import detect_project, spec_to_table

FIXTURES = Path(__file__).parent / "fixtures"

EXPECTED: dict[str, dict[str, Any]] = {
    "full-stack-fastapi-template": {
        "app": "app.main:app",
        "package_manager": "uv",
        "python": "3.12",
        "services": {"postgres"},
        "migrate": "alembic upgrade head",
        "processes": set(),
    },
    "fastapi-realworld-example-app": {
        "app": "app.main:app",
        "package_manager": "poetry",
        "python": "3.12",
        "services": {"postgres"},
        "migrate": "alembic upgrade head",
        "processes": set(),
    },
    "fastapi-alembic-sqlmodel-async": {
        "app": "app.main:app",
        "package_manager": "poetry",
        "python": "3.11",
        "services": {"postgres", "redis"},
        "migrate": "alembic upgrade head",
        "processes": {"worker", "beat"},
    },
    "src-layout-requirements": {
        "app": "events.asgi:application",
        "package_manager": "pip",
        "python": "3.13",
        "services": {"kafka", "mongodb", "neo4j", "opensearch"},
        "migrate": None,
        "processes": set(),
    },
}


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_detects_app_manager_python_services_and_migration(fixture: str) -> None:
    expected = EXPECTED[fixture]
    spec = detect_project(FIXTURES / fixture).spec
    assert spec.app == expected["app"]
    assert spec.package_manager == expected["package_manager"]
    assert spec.python == expected["python"]
    assert {service.kind for service in spec.services.values()} == expected["services"]
    assert spec.migrate == expected["migrate"]
    assert set(spec.processes) == expected["processes"]


def test_celery_worker_uses_the_detected_module_and_explicit_concurrency() -> None:
    spec = detect_project(FIXTURES / "fastapi-alembic-sqlmodel-async").spec
    assert spec.processes["worker"].argv[:4] == ("celery", "-A", "app.core.celery", "worker")
    assert any(arg.startswith("--concurrency=") for arg in spec.processes["worker"].argv)
    assert spec.processes["beat"].kind == "scheduler"


def test_src_layout_sets_the_source_dir_and_requirements_includes_are_followed() -> None:
    detection = detect_project(FIXTURES / "src-layout-requirements")
    assert detection.spec.source_dir == "src"
    assert detection.spec.build.requirements == "requirements.txt"
    assert "neo4j" in detection.dependencies  # from requirements-extra.txt via -r
    assert "redis" not in detection.dependencies  # requirements-dev.txt is not read
    assert detection.target.name == "prodready.toml"


def test_every_decision_has_a_reason() -> None:
    detection = detect_project(FIXTURES / "fastapi-alembic-sqlmodel-async")
    whats = [finding.what for finding in detection.findings]
    assert "service postgres" in whats
    assert all(finding.because for finding in detection.findings)


def test_no_app_is_an_error_naming_the_field() -> None:
    with pytest.raises(SpecError, match="cannot find the ASGI app") as info:
        detect_project(FIXTURES / "no-app")
    assert info.value.location == "tool.prodready.app"
    assert info.value.hint


def _project(tmp_path: Path, dependencies: list[str]) -> Path:
    quoted = ", ".join(f'"{d}"' for d in dependencies)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "svc"\nversion = "0"\ndependencies = [{quoted}]\n'
    )
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "main.py").write_text("from fastapi import FastAPI\n\napp = FastAPI()\n")
    return tmp_path


@pytest.mark.parametrize(
    ("dependency", "kind"),
    [
        ("asyncpg>=0.29", "postgres"),
        ("psycopg[binary]", "postgres"),
        ("sqlalchemy[asyncpg]", "postgres"),
        ("redis", "redis"),
        ("aiokafka", "kafka"),
        ("confluent-kafka", "kafka"),
        ("aio-pika", "rabbitmq"),
        ("pika", "rabbitmq"),
        ("motor", "mongodb"),
        ("pymongo", "mongodb"),
        ("neo4j", "neo4j"),
        ("elasticsearch[async]", "elasticsearch"),
        ("opensearch-py", "opensearch"),
        ("aiomysql", "mysql"),
    ],
)
def test_each_driver_maps_to_its_service(tmp_path: Path, dependency: str, kind: str) -> None:
    spec = detect_project(_project(tmp_path, [dependency])).spec
    assert {service.kind for service in spec.services.values()} == {kind}


def test_pgvector_selects_postgres_with_the_extension(tmp_path: Path) -> None:
    spec = detect_project(_project(tmp_path, ["asyncpg", "pgvector"])).spec
    assert spec.services["postgres"].extensions == ("pgvector",)


def test_celery_without_a_broker_driver_gets_rabbitmq(tmp_path: Path) -> None:
    spec = detect_project(_project(tmp_path, ["celery"])).spec
    assert "rabbitmq" in spec.services


def test_unparsable_pyproject_is_a_spec_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\n")
    with pytest.raises(SpecError, match="not valid TOML"):
        detect_project(tmp_path)


def test_the_table_keeps_identity_keys_and_drops_defaults() -> None:
    table = spec_to_table(detect_project(FIXTURES / "full-stack-fastapi-template").spec)
    assert table["python"] == "3.12"
    assert table["services"] == {"postgres": {"kind": "postgres"}}
    assert "probes" not in table
