"""Facts read from commands and env values (pure functions shared by several rules)."""

from __future__ import annotations

import pytest

from prodready.lint._facts import (
    hosts_in_env,
    image_tag_problem,
    is_secret_name,
    lacks_tool,
    migration_command,
    server_command,
)


@pytest.mark.parametrize(
    ("argv", "host", "port"),
    [
        (["uvicorn", "app:app"], "127.0.0.1", 8000),
        (
            ["python", "-m", "uvicorn", "a:app", "--host", "0.0.0.0", "--port", "8200"],
            "0.0.0.0",
            8200,
        ),
        (["gunicorn", "a:app", "-b", "0.0.0.0:80"], "0.0.0.0", 80),
        (["gunicorn", "a:app", "--bind=127.0.0.1:9000"], "127.0.0.1", 9000),
        (["flask", "run"], "127.0.0.1", 5000),
        (["python", "manage.py", "runserver", "0.0.0.0:8000"], "0.0.0.0", 8000),
        (
            ["sh", "-c", "alembic upgrade head && exec uvicorn a:app --host 0.0.0.0"],
            "0.0.0.0",
            8000,
        ),
    ],
)
def test_server_command_reads_host_and_port(argv: list[str], host: str, port: int) -> None:
    server = server_command(argv)
    assert server is not None
    assert (server.host, server.port) == (host, port)


def test_server_command_ignores_other_programs() -> None:
    assert server_command(["python", "worker.py"]) is None
    assert server_command(["celery", "-A", "app", "worker"]) is None


def test_gunicorn_graceful_timeout_defaults_to_30_seconds() -> None:
    assert server_command(["gunicorn", "a:app"]).graceful_timeout_s == 30.0  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["sh", "-c", "alembic upgrade head && uvicorn a:app"], "alembic upgrade head"),
        (["python", "manage.py", "migrate", "--noinput"], "python manage.py migrate --noinput"),
        (["flask", "db", "upgrade"], "flask db upgrade"),
        (["uvicorn", "a:app"], None),
        (["alembic", "history"], None),
    ],
)
def test_migration_command_finds_the_migration_step(argv: list[str], expected: str | None) -> None:
    assert migration_command(argv) == expected


@pytest.mark.parametrize(
    ("name", "value", "hosts"),
    [
        ("REDIS_HOST", "redis", ["redis"]),
        ("DATABASE_URL", "postgresql://u:p@db:5432/app", ["db"]),
        ("KAFKA_BOOTSTRAP_SERVERS", "kafka-0:9092,kafka-1:9092", ["kafka-0", "kafka-1"]),
        ("X_URL", "http://api.prod.svc.cluster.local/", ["api.prod"]),
        ("API_URL", "https://api.example.com", []),
        ("DB_HOST", "10.0.0.5", []),
        ("DB_HOST", "localhost", []),
        ("DB_HOST", "${DB_HOST}", []),
        ("LOG_LEVEL", "debug", []),
        ("FEATURE_SERVER", "true", []),
    ],
)
def test_hosts_in_env_finds_in_cluster_names_only(name: str, value: str, hosts: list[str]) -> None:
    assert hosts_in_env(name, value) == hosts


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("DB_PASSWORD", True),
        ("API_KEY", True),
        ("GITHUB_TOKEN", True),
        ("DB_PASSWORD_FILE", False),
        ("TOKEN_URL_PATH", False),
        ("LOG_LEVEL", False),
    ],
)
def test_is_secret_name(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_image_tag_problem() -> None:
    assert image_tag_problem("python") is not None
    assert image_tag_problem("python:latest") is not None
    assert image_tag_problem("registry:5000/app") is not None
    assert image_tag_problem("registry:5000/app:1.2") is None
    assert image_tag_problem("app@sha256:abc") is None


def test_lacks_tool_knows_slim_alpine_and_installs() -> None:
    assert lacks_tool("python:3.12-slim", "curl", "")
    assert not lacks_tool(
        "python:3.12-slim", "curl", "apt-get install -y --no-install-recommends curl"
    )
    assert not lacks_tool("python:3.12", "curl", "")
    assert not lacks_tool("python:3.12-alpine", "wget", "")
    assert lacks_tool("python:3.12-alpine", "curl", "")
