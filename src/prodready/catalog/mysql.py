"""MySQL and MariaDB: ``DATABASE_URL`` (``mysql://``) for the app.

``mysqladmin ping`` exits 0 whenever the server answers, even when access is denied, so it needs
no password; MariaDB ships its own ``healthcheck.sh``.
"""

from __future__ import annotations

from collections.abc import Callable

from prodready.catalog._model import CatalogEntry, Connection, Exporter
from prodready.spec import Resources

_RESOURCES = Resources(
    cpu_request="250m", cpu_limit="1", memory_request="512Mi", memory_limit="1Gi"
)


def _url(secret: str) -> Callable[[Connection], dict[str, str]]:
    def app_env(conn: Connection) -> dict[str, str]:
        dsn = f"mysql://{conn.user}:${{{secret}}}@{conn.host}:{conn.port}/{conn.database}"
        return {"DATABASE_URL": dsn}

    return app_env


def _exporter(secret: str) -> Exporter:
    return Exporter(
        port=9104,
        image="prom/mysqld-exporter:v0.16.0",
        env=lambda conn: {"MYSQLD_EXPORTER_PASSWORD": f"${{{secret}}}"},
        args=lambda conn: (
            f"--mysqld.address={conn.host}:{conn.port}",
            f"--mysqld.username={conn.user}",
        ),
    )


MYSQL = CatalogEntry(
    kind="mysql",
    image="mysql",
    default_version="8.4.3",
    port=3306,
    default_user="app",
    app_env=_url("MYSQL_PASSWORD"),
    server_env=lambda conn: {
        "MYSQL_DATABASE": conn.database,
        "MYSQL_USER": conn.user,
        "MYSQL_PASSWORD": "${MYSQL_PASSWORD}",
        "MYSQL_ROOT_PASSWORD": "${MYSQL_ROOT_PASSWORD}",
    },
    health_command=lambda conn: ("mysqladmin", "ping", "-h", "127.0.0.1", "--silent"),
    secrets=("MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD"),
    data_path="/var/lib/mysql",
    resources=_RESOURCES,
    start_period_s=30,
    exporter=_exporter("MYSQL_PASSWORD"),
    description="MySQL",
)

MARIADB = CatalogEntry(
    kind="mariadb",
    image="mariadb",
    default_version="11.4.4",
    port=3306,
    default_user="app",
    app_env=_url("MARIADB_PASSWORD"),
    server_env=lambda conn: {
        "MARIADB_DATABASE": conn.database,
        "MARIADB_USER": conn.user,
        "MARIADB_PASSWORD": "${MARIADB_PASSWORD}",
        "MARIADB_ROOT_PASSWORD": "${MARIADB_ROOT_PASSWORD}",
    },
    health_command=lambda conn: ("healthcheck.sh", "--connect", "--innodb_initialized"),
    secrets=("MARIADB_PASSWORD", "MARIADB_ROOT_PASSWORD"),
    data_path="/var/lib/mysql",
    resources=_RESOURCES,
    start_period_s=30,
    exporter=_exporter("MARIADB_PASSWORD"),
    description="MariaDB",
)
