"""Service settings from the environment, ``.env`` and secret files, validated all at once.

:class:`ServiceSettings` is a pydantic-settings model whose fields use the conventional variable
names the dependency checkers read (``DATABASE_URL``, ``REDIS_URL`` …). Subclass it to add your
own settings. Values come from, highest priority first: keyword arguments, environment variables,
a ``.env`` file in the working directory, then one file per variable in the secrets directories
(``/run/secrets`` for Docker and Compose secrets, plus every directory listed in
``PRODREADY_SECRETS_DIRS``, separated by ``:``, for Kubernetes secret volumes; file names match
the variable name, case-insensitively).

``environment`` (``development``, ``staging`` or ``production``, default ``production``) sets
safe defaults: outside development logs are JSON and health details are shown only to callers
presenting ``HEALTH_TOKEN``. Every secret lives in a :class:`~pydantic.SecretStr`, so it prints
as ``**********``. Any missing or invalid variable raises one
:class:`~prodready.errors.SettingsError` listing *all* of them; :meth:`ServiceSettings.load`
prints that list and exits with status 2 instead of a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Final, Literal, Self

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from prodready import _contract
from prodready._redact import MASK, is_secret_key, scrub
from prodready.errors import SettingsError

__all__ = ["DEFAULT_SECRETS_DIR", "Environment", "ServiceSettings"]

Environment = Literal["development", "staging", "production"]
DEFAULT_SECRETS_DIR: Final = "/run/secrets"
SECRETS_DIRS_VAR: Final = "PRODREADY_SECRETS_DIRS"
_LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# field -> the variable the dependency checkers read (prodready.health.checkers.from_env).
_CHECKER_VARS: Final = {
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
    "kafka_bootstrap_servers": "KAFKA_BOOTSTRAP_SERVERS",
    "rabbitmq_url": "RABBITMQ_URL",
    "mongodb_url": "MONGODB_URL",
    "neo4j_uri": "NEO4J_URI",
    "neo4j_user": "NEO4J_USER",
    "neo4j_password": "NEO4J_PASSWORD",
    "elasticsearch_url": "ELASTICSEARCH_URL",
    "celery_broker_url": "CELERY_BROKER_URL",
}
_URL_FIELDS: Final = {
    "database_url": "postgresql://user:password@host:5432/dbname",
    "redis_url": "redis://:password@host:6379/0",
    "rabbitmq_url": "amqp://user:password@host:5672/vhost",
    "mongodb_url": "mongodb://user:password@host:27017/dbname",
    "neo4j_uri": "neo4j://host:7687 or bolt://host:7687",
    "elasticsearch_url": "http://host:9200",
    "celery_broker_url": "redis://host:6379/0 or amqp://user:password@host:5672//",
}


def _secrets_dirs() -> list[Path]:
    """The secrets directories that exist (pydantic-settings warns about missing ones)."""
    listed = [DEFAULT_SECRETS_DIR, *os.environ.get(SECRETS_DIRS_VAR, "").split(os.pathsep)]
    return [Path(d) for d in dict.fromkeys(listed) if d and Path(d).is_dir()]


class ServiceSettings(BaseSettings):
    """The settings every service has; subclass it to add yours (see the module docstring)."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        case_sensitive=False,
        extra="ignore",
        validate_default=True,
        frozen=True,
    )

    # Added to every log line as "service".
    service_name: str = Field(default="app", min_length=1, max_length=63)
    environment: Environment = "production"
    log_level: str = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"
    # One log line per request (method, route, status, duration); off for very hot services.
    access_log: bool = True
    # auto: always in development; otherwise only for callers presenting HEALTH_TOKEN.
    health_details: Literal["auto", "never", "authorized", "always"] = "auto"
    health_token: SecretStr | None = None
    metrics_enabled: bool = True
    drain_delay_s: float = Field(default=_contract.DRAIN_DELAY_S, ge=0, le=300)

    database_url: SecretStr | None = None
    redis_url: SecretStr | None = None
    kafka_bootstrap_servers: str | None = None
    rabbitmq_url: SecretStr | None = None
    mongodb_url: SecretStr | None = None
    neo4j_uri: str | None = None
    neo4j_user: str | None = None
    neo4j_password: SecretStr | None = None
    elasticsearch_url: SecretStr | None = None
    celery_broker_url: SecretStr | None = None

    def __init__(self, **values: Any) -> None:
        """Read and validate; raise :class:`SettingsError` listing every problem at once."""
        values.setdefault("_secrets_dir", _secrets_dirs() or None)
        try:
            super().__init__(**values)
        except ValidationError as exc:
            # Not chained: a ValidationError repeats each rejected *value*, which may be a secret.
            raise _settings_error(type(self), exc) from None

    @classmethod
    def load(cls, **values: Any) -> Self:
        """Like ``cls()``, but on bad settings print the readable list and exit with status 2.

        For start-up code (an ASGI module imported by uvicorn): the operator sees every
        problem with its fix, and no traceback.
        """
        try:
            return cls(**values)
        except SettingsError as exc:
            sys.stderr.write(f"error: {exc}\n")
            sys.stderr.flush()
            raise SystemExit(2) from None

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        if isinstance(value, str):
            upper = value.strip().upper()
            if upper not in _LOG_LEVELS:
                raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}")
            return upper
        return value

    @field_validator(*_URL_FIELDS, mode="before")
    @classmethod
    def _url(cls, value: object) -> object:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(text, str):
            if not text.strip():
                return None  # FOO_URL= (empty) means "not configured"
            if "://" not in text:
                raise ValueError("must be a URL with a scheme (scheme://host…)")
        return value

    # --- derived values --------------------------------------------------------------------

    @property
    def json_logs(self) -> bool:
        """JSON log lines? ``auto``: yes, except in development on a terminal."""
        if self.log_format != "auto":
            return self.log_format == "json"
        return not (self.environment == "development" and sys.stdout.isatty())

    @property
    def health_details_mode(self) -> Literal["never", "authorized", "always"]:
        """Who sees health details; ``auto`` resolves by environment (safe outside dev)."""
        if self.health_details != "auto":
            return self.health_details
        if self.environment == "development":
            return "always"
        return "authorized" if self.health_token is not None else "never"

    def secret_values(self) -> list[str]:
        """Every secret's plain value (for scrubbers to remove them wherever they appear)."""
        found: list[str] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                found.append(value.get_secret_value())
                if name in _URL_FIELDS:
                    # the password alone too, wherever it turns up (a path, an error message)
                    found.extend(_password(value.get_secret_value()))
            elif isinstance(value, str) and is_secret_key(name):
                found.append(value)
        return [s for s in found if s]

    def checker_env(self) -> dict[str, str]:
        """The conventional variables the dependency checkers read, with real values."""
        env: dict[str, str] = {}
        for field, var in _CHECKER_VARS.items():
            value = getattr(self, field, None)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if value:
                env[var] = str(value)
        return env

    def redacted(self) -> dict[str, Any]:
        """Every setting as JSON-safe data with secrets masked: safe to print or log.

        Connection URLs keep scheme, host and path but lose their credentials
        (``postgresql://app:***@db:5432/app``); other ``SecretStr`` values and fields whose name
        names a secret become ``***``; other strings are scrubbed too. Unset values are ``None``.
        """
        secrets = self.secret_values()
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None:
                out[name] = None
            elif isinstance(value, SecretStr) and name in _URL_FIELDS:
                # A connection URL keeps its host and database, loses its credentials.
                plain = value.get_secret_value()
                out[name] = scrub(plain, [s for s in secrets if s != plain] + _password(plain))
            elif isinstance(value, SecretStr) or is_secret_key(name):
                out[name] = MASK
            elif isinstance(value, str):
                out[name] = scrub(value, secrets)
            elif isinstance(value, bool | int | float):
                out[name] = value
            else:
                out[name] = scrub(str(value), secrets)
        return out

    @classmethod
    def env_name(cls, field: str) -> str:
        """The environment variable that sets ``field``."""
        info = cls.model_fields[field]
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        return (alias or field).upper()


def _password(url: str) -> list[str]:
    """The password in a URL's userinfo (``scheme://user:password@host``), if it has one.

    Parsed by hand, not with urllib, which rejects the characters passwords are full of.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme:
        return []
    userinfo, at, _host = rest.rpartition("@")
    if not at:
        return []
    _user, colon, password = userinfo.partition(":")
    return [password] if colon and password else []


def _settings_error(cls: type[ServiceSettings], exc: ValidationError) -> SettingsError:
    problems: list[str] = []
    for error in exc.errors(include_input=False, include_url=False):
        loc = error.get("loc", ())
        field = str(loc[0]) if loc else "?"
        var = cls.env_name(field) if field in cls.model_fields else field.upper()
        if error["type"] == "missing":
            problems.append(f"{var}: not set")
            continue
        message = str(error["msg"]).removeprefix("Value error, ")
        example = _URL_FIELDS.get(field)
        if example is not None:
            message += f", e.g. {example}"
        problems.append(f"{var}: {message}")
    count = len(problems)
    noun = "setting is" if count == 1 else "settings are"
    return SettingsError(
        f"{count} {noun} missing or invalid:\n" + "\n".join(f"  - {p}" for p in problems),
        hint="set each variable in the environment, in a .env file, or as a file named after "
        f"it in {DEFAULT_SECRETS_DIR} (or a directory listed in {SECRETS_DIRS_VAR})",
    )
