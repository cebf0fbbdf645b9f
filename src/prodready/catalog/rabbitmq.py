"""RabbitMQ: ``RABBITMQ_URL`` (AMQP) for the app, ``rabbitmq-diagnostics -q ping`` for health.

Metrics come from the server's own ``rabbitmq_prometheus`` plugin (port 15692), which the official
image enables.
"""

from __future__ import annotations

from prodready.catalog._model import CatalogEntry, Connection, Exporter
from prodready.spec import Resources


def _url(conn: Connection) -> str:
    return f"amqp://{conn.user}:${{RABBITMQ_PASSWORD}}@{conn.host}:{conn.port}/"


ENTRY = CatalogEntry(
    kind="rabbitmq",
    image="rabbitmq",
    default_version="4.0.5-management-alpine",
    port=5672,
    default_user="app",
    app_env=lambda conn: {"RABBITMQ_URL": _url(conn)},
    server_env=lambda conn: {
        "RABBITMQ_DEFAULT_USER": conn.user,
        "RABBITMQ_DEFAULT_PASS": "${RABBITMQ_PASSWORD}",
    },
    health_command=lambda conn: ("rabbitmq-diagnostics", "-q", "ping"),
    secrets=("RABBITMQ_PASSWORD",),
    data_path="/var/lib/rabbitmq",
    resources=Resources(
        cpu_request="250m", cpu_limit="1", memory_request="256Mi", memory_limit="512Mi"
    ),
    start_period_s=30,
    exporter=Exporter(port=15692),
    description="RabbitMQ",
)
