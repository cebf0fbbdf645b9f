"""PostgreSQL, optionally with pgvector: ``DATABASE_URL`` for the app, ``pg_isready`` health."""

from __future__ import annotations

from prodready.catalog._model import CatalogEntry, Connection, Exporter
from prodready.spec import Resources

PGVECTOR_VERSION = "0.8.0"


def _image(version: str, extensions: tuple[str, ...]) -> str:
    if "pgvector" in extensions:
        major = version.split(".", 1)[0]
        return f"pgvector/pgvector:{PGVECTOR_VERSION}-pg{major}"
    return f"postgres:{version}"


def _dsn(conn: Connection) -> str:
    return (
        f"postgresql://{conn.user}:${{POSTGRES_PASSWORD}}@{conn.host}:{conn.port}/{conn.database}"
    )


ENTRY = CatalogEntry(
    kind="postgres",
    image="postgres",
    default_version="17.2",
    port=5432,
    default_user="app",
    app_env=lambda conn: {"DATABASE_URL": _dsn(conn)},
    server_env=lambda conn: {
        "POSTGRES_USER": conn.user,
        "POSTGRES_DB": conn.database,
        "POSTGRES_PASSWORD": "${POSTGRES_PASSWORD}",
    },
    # -h 127.0.0.1: the image's init phase listens on the unix socket only, so a TCP check cannot
    # report healthy before the real server is up; -U/-d avoid "role does not exist" log noise.
    health_command=lambda conn: (
        "pg_isready",
        "-h",
        "127.0.0.1",
        "-U",
        conn.user,
        "-d",
        conn.database,
    ),
    secrets=("POSTGRES_PASSWORD",),
    data_path="/var/lib/postgresql/data",
    resources=Resources(
        cpu_request="250m", cpu_limit="1", memory_request="256Mi", memory_limit="1Gi"
    ),
    start_period_s=30,
    exporter=Exporter(
        port=9187,
        image="quay.io/prometheuscommunity/postgres-exporter:v0.16.0",
        env=lambda conn: {"DATA_SOURCE_NAME": _dsn(conn) + "?sslmode=disable"},
    ),
    image_for=_image,
    description="PostgreSQL",
)
