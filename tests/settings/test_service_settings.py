from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from prodready.errors import SettingsError
from prodready.settings import ServiceSettings

CONVENTIONAL = (
    "DATABASE_URL",
    "REDIS_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "RABBITMQ_URL",
    "MONGODB_URL",
    "NEO4J_URI",
    "ELASTICSEARCH_URL",
    "HEALTH_TOKEN",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.upper() in {f.upper() for f in ServiceSettings.model_fields} or name in (
            "PRODREADY_SECRETS_DIRS",
        ):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


class OrdersSettings(ServiceSettings):
    github_token: SecretStr
    workers: int = 4


def test_defaults_are_the_safe_production_ones() -> None:
    s = ServiceSettings(_env_file=None)
    assert s.environment == "production"
    assert s.json_logs is True
    assert s.health_details_mode == "never"


def test_production_shows_details_only_to_token_holders() -> None:
    s = ServiceSettings(health_token="t0ken-for-probes")
    assert s.health_details_mode == "authorized"


def test_development_shows_details_and_may_log_to_a_console() -> None:
    s = ServiceSettings(environment="development")
    assert s.health_details_mode == "always"


def test_conventional_variable_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "DATABASE_URL": "postgresql://app:pw@db:5432/app",
        "REDIS_URL": "redis://cache:6379/0",
        "KAFKA_BOOTSTRAP_SERVERS": "k1:9092,k2:9092",
        "RABBITMQ_URL": "amqp://guest:guest@mq:5672/",
        "MONGODB_URL": "mongodb://mongo:27017/app",
        "NEO4J_URI": "neo4j://graph:7687",
        "ELASTICSEARCH_URL": "http://search:9200",
        "HEALTH_TOKEN": "probe-token-123",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    s = ServiceSettings()
    assert s.checker_env() == {k: v for k, v in values.items() if k != "HEALTH_TOKEN"}
    assert s.health_token is not None
    assert s.health_token.get_secret_value() == "probe-token-123"


def test_a_dotenv_file_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("REDIS_URL=redis://from-dotenv:6379/0\nLOG_LEVEL=debug\n")
    monkeypatch.setenv("LOG_LEVEL", "warning")
    s = ServiceSettings()
    assert s.checker_env()["REDIS_URL"] == "redis://from-dotenv:6379/0"
    assert s.log_level == "WARNING"


def test_docker_style_secret_files_are_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "database_url").write_text("postgresql://app:filepw@db/app\n")
    monkeypatch.setenv("PRODREADY_SECRETS_DIRS", str(secrets))
    s = ServiceSettings()
    assert s.database_url is not None
    assert s.database_url.get_secret_value() == "postgresql://app:filepw@db/app"


def test_kubernetes_secret_volumes_with_symlinked_keys_are_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The layout the kubelet writes: KEY -> ..data/KEY, ..data -> ..<timestamp>/
    mount = tmp_path / "k8s-secrets"
    stamp = mount / "..2026_11_22_10_00_00.123"
    stamp.mkdir(parents=True)
    (stamp / "REDIS_URL").write_text("redis://:k8spw@cache:6379/0")
    (mount / "..data").symlink_to(stamp.name)
    (mount / "REDIS_URL").symlink_to("..data/REDIS_URL")
    monkeypatch.setenv("PRODREADY_SECRETS_DIRS", str(mount))
    assert ServiceSettings().checker_env()["REDIS_URL"] == "redis://:k8spw@cache:6379/0"


def test_every_problem_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "loud")
    monkeypatch.setenv("WORKERS", "many")
    monkeypatch.setenv("DATABASE_URL", "db-without-scheme")
    monkeypatch.setenv("ENVIRONMENT", "prod")
    with pytest.raises(SettingsError) as caught:
        OrdersSettings()
    message = caught.value.message
    assert message.startswith("5 settings are missing or invalid:")
    for expected in (
        "GITHUB_TOKEN: not set",
        "LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
        "WORKERS: Input should be a valid integer",
        "DATABASE_URL: must be a URL with a scheme",
        "ENVIRONMENT: Input should be 'development', 'staging' or 'production'",
    ):
        assert expected in message
    assert caught.value.hint is not None
    assert "/run/secrets" in caught.value.hint


def test_rejected_values_are_not_repeated_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "hunter2-not-a-url")
    with pytest.raises(SettingsError) as caught:
        ServiceSettings()
    assert "hunter2" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_load_prints_the_problems_and_exits_2_without_a_traceback(tmp_path: Path) -> None:
    code = "from prodready.settings import ServiceSettings; ServiceSettings.load()"
    env = {"PATH": os.environ["PATH"], "LOG_LEVEL": "loud", "REDIS_URL": "nope"}
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "LOG_LEVEL" in proc.stderr
    assert "REDIS_URL" in proc.stderr


def test_redacted_dump_keeps_hosts_and_masks_credentials() -> None:
    s = ServiceSettings(
        database_url="postgresql://app:pw-123456@db:5432/app",
        redis_url="redis://:redispw-9876@cache:6379/0",
        health_token="probe-token-123",
    )
    dump = s.redacted()
    assert dump["database_url"] == "postgresql://app:***@db:5432/app"
    assert dump["redis_url"] == "redis://***@cache:6379/0"
    assert dump["health_token"] == "***"
    assert dump["mongodb_url"] is None


_SECRET = st.text(
    alphabet=st.characters(
        codec="ascii", categories=("L", "N", "P", "S"), exclude_characters="/?#%"
    ),
    min_size=12,
    max_size=40,
)


def _render(password: str, token: str) -> str:
    s = OrdersSettings(
        _env_file=None,
        database_url=f"postgresql://app:{password}@db:5432/app",
        rabbitmq_url=f"amqp://svc:{password}@mq:5672/",
        github_token=token,
        health_token=token,
    )
    return json.dumps(s.redacted()) + repr(s) + str(s)


_BASELINE = _render("p" * 12, "t" * 12)


@settings(max_examples=100, deadline=None)
@given(password=_SECRET, token=_SECRET)
def test_no_secret_value_appears_in_the_settings_dump(password: str, token: str) -> None:
    # A "secret" that is part of the output anyway ("neo4j_passwo", "*****") proves nothing.
    assume(password not in _BASELINE and token not in _BASELINE)
    rendered = _render(password, token)
    assert password not in rendered
    assert token not in rendered
