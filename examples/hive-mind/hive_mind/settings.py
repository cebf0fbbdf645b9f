"""Settings: prodready's conventional names, with this service's dependencies made required."""

from __future__ import annotations

from pydantic import SecretStr

from prodready import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "hive-mind"
    mongodb_url: SecretStr
    neo4j_uri: str
    neo4j_user: str
    neo4j_password: SecretStr
    redis_url: SecretStr
    kafka_bootstrap_servers: str
