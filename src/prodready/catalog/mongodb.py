"""MongoDB: ``MONGODB_URL`` for the app, a ``mongosh`` ping for health."""

from __future__ import annotations

from prodready.catalog._model import CatalogEntry, Connection, Exporter
from prodready.spec import Resources


def _url(conn: Connection) -> str:
    return (
        f"mongodb://{conn.user}:${{MONGODB_PASSWORD}}@{conn.host}:{conn.port}/{conn.database}"
        "?authSource=admin"
    )


ENTRY = CatalogEntry(
    kind="mongodb",
    image="mongo",
    default_version="8.0.4",
    port=27017,
    default_user="app",
    app_env=lambda conn: {"MONGODB_URL": _url(conn)},
    server_env=lambda conn: {
        "MONGO_INITDB_ROOT_USERNAME": conn.user,
        "MONGO_INITDB_ROOT_PASSWORD": "${MONGODB_PASSWORD}",
        "MONGO_INITDB_DATABASE": conn.database,
    },
    health_command=lambda conn: (
        "mongosh",
        "--quiet",
        "--eval",
        "db.adminCommand('ping').ok",
    ),
    secrets=("MONGODB_PASSWORD",),
    data_path="/data/db",
    resources=Resources(
        cpu_request="250m", cpu_limit="1", memory_request="512Mi", memory_limit="1Gi"
    ),
    start_period_s=30,
    exporter=Exporter(
        port=9216,
        image="percona/mongodb_exporter:0.43.1",
        env=lambda conn: {"MONGODB_URI": _url(conn)},
    ),
    description="MongoDB",
)
