from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from prodready.cli import main
from prodready.settings import ServiceSettings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.lower() in ServiceSettings.model_fields:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_json_dump_masks_secrets_and_marks_what_was_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:pw-s3cr3t-1@db:5432/app")
    monkeypatch.setenv("HEALTH_TOKEN", "tok-s3cr3t-2")
    assert main(["settings", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "s3cr3t" not in out
    rows = {row["env"]: row for row in json.loads(out)["settings"]}
    assert rows["DATABASE_URL"] == {
        "name": "database_url",
        "env": "DATABASE_URL",
        "value": "postgresql://app:***@db:5432/app",
        "source": "set",
    }
    assert rows["HEALTH_TOKEN"]["value"] == "***"
    assert rows["ENVIRONMENT"]["source"] == "default"


def test_text_dump_lists_every_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://:pw-s3cr3t-3@cache:6379/0")
    assert main(["--no-color", "settings"]) == 0
    out = capsys.readouterr().out
    assert "s3cr3t" not in out
    assert "redis://***@cache:6379/0" in out
    assert "KAFKA_BOOTSTRAP_SERVERS" in out


def test_a_service_subclass_is_loaded_and_its_env_file_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "svc_config.py").write_text(
        "from pydantic import SecretStr\n"
        "from prodready import ServiceSettings\n"
        "class Settings(ServiceSettings):\n"
        "    github_token: SecretStr\n"
    )
    (tmp_path / "prod.env").write_text("GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123\n")
    args = ["settings", "--settings", "svc_config:Settings", "--env-file", "prod.env"]
    assert main([*args, "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "ghp_" not in out
    assert {"name": "github_token", "env": "GITHUB_TOKEN", "value": "***", "source": "set"} in (
        json.loads(out)["settings"]
    )


def test_missing_and_invalid_variables_exit_2_listing_all(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "loud")
    monkeypatch.setenv("DRAIN_DELAY_S", "-1")
    assert main(["settings"]) == 2
    err = capsys.readouterr().err
    assert "2 settings are missing or invalid" in err
    assert "LOG_LEVEL" in err
    assert "DRAIN_DELAY_S" in err
    assert "Traceback" not in err


def test_a_settings_class_that_is_not_a_service_settings_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["settings", "--settings", "pathlib:Path"]) == 2
    assert "not a ServiceSettings subclass" in capsys.readouterr().err
