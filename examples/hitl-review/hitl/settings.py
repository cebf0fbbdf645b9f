"""Settings: prodready's conventional names, with this service's dependencies made required."""

from __future__ import annotations

from pydantic import SecretStr

from prodready import ServiceSettings


def asyncpg_url(url: str) -> str:
    """SQLAlchemy's asyncpg dialect URL for a ``postgresql://`` URL."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


class Settings(ServiceSettings):
    service_name: str = "hitl-review"
    database_url: SecretStr
    redis_url: SecretStr
    rabbitmq_url: SecretStr
