"""Settings: prodready's conventional names, with this service's dependencies made required."""

from __future__ import annotations

from pydantic import SecretStr

from prodready import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "vision"
    database_url: SecretStr
    redis_url: SecretStr
