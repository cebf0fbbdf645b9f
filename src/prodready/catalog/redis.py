"""Redis with a password: ``REDIS_URL`` for the app, ``redis-cli ping`` (must answer PONG)."""

from __future__ import annotations

from prodready.catalog._model import CatalogEntry, Connection, Exporter
from prodready.spec import Resources


def _url(conn: Connection) -> str:
    return f"redis://:${{REDIS_PASSWORD}}@{conn.host}:{conn.port}/0"


ENTRY = CatalogEntry(
    kind="redis",
    image="redis",
    default_version="7.4.1",
    port=6379,
    default_user="default",
    app_env=lambda conn: {"REDIS_URL": _url(conn)},
    server_env=lambda conn: {
        "REDIS_PASSWORD": "${REDIS_PASSWORD}",
        # redis-cli reads the password from here, so it never appears in the health argv.
        "REDISCLI_AUTH": "${REDIS_PASSWORD}",
    },
    # `sh -c` skips the image entrypoint's switch to the redis user, so name that user here.
    user="999:999",
    command=lambda conn: (
        "sh",
        "-c",
        'exec redis-server --requirepass "$REDIS_PASSWORD" --appendonly yes',
    ),
    # redis-cli exits 0 on an error reply (NOAUTH, LOADING): compare the answer instead.
    health_command=lambda conn: ("sh", "-c", '[ "$(redis-cli ping)" = PONG ]'),
    secrets=("REDIS_PASSWORD",),
    data_path="/data",
    resources=Resources(
        cpu_request="100m", cpu_limit="500m", memory_request="64Mi", memory_limit="256Mi"
    ),
    start_period_s=10,
    exporter=Exporter(
        port=9121,
        image="oliver006/redis_exporter:v1.66.0",
        env=lambda conn: {
            "REDIS_ADDR": f"redis://{conn.host}:{conn.port}",
            "REDIS_PASSWORD": "${REDIS_PASSWORD}",
        },
    ),
    description="Redis",
)
