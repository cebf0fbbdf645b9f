"""Elasticsearch and OpenSearch, single node: ``ELASTICSEARCH_URL`` for the app.

Elasticsearch keeps its security on (a password for the ``elastic`` user, plain HTTP inside the
private network). OpenSearch's security plugin needs a TLS certificate set-up, so the local
single-node OpenSearch runs with it disabled; it is never published outside the private network.
Health waits for at least ``yellow`` cluster status.
"""

from __future__ import annotations

from prodready.catalog._model import CatalogEntry, Connection, Exporter
from prodready.spec import Resources

_RESOURCES = Resources(
    cpu_request="500m", cpu_limit="1", memory_request="1Gi", memory_limit="1536Mi"
)
_HEALTH = "/_cluster/health?wait_for_status=yellow&timeout=5s"


def _es_url(conn: Connection) -> str:
    return f"http://{conn.user}:${{ELASTIC_PASSWORD}}@{conn.host}:{conn.port}"


ELASTICSEARCH = CatalogEntry(
    kind="elasticsearch",
    image="docker.elastic.co/elasticsearch/elasticsearch",
    default_version="8.17.0",
    port=9200,
    default_user="elastic",
    app_env=lambda conn: {"ELASTICSEARCH_URL": _es_url(conn)},
    server_env=lambda conn: {
        "discovery.type": "single-node",
        "xpack.security.enabled": "true",
        "xpack.security.http.ssl.enabled": "false",
        "ELASTIC_PASSWORD": "${ELASTIC_PASSWORD}",
        "ES_JAVA_OPTS": "-Xms512m -Xmx512m",
    },
    health_command=lambda conn: (
        "sh",
        "-c",
        f'curl -fsS -u "elastic:$ELASTIC_PASSWORD" "http://localhost:{conn.port}{_HEALTH}"',
    ),
    secrets=("ELASTIC_PASSWORD",),
    data_path="/usr/share/elasticsearch/data",
    resources=_RESOURCES,
    start_period_s=60,
    exporter=Exporter(
        port=9114,
        image="quay.io/prometheuscommunity/elasticsearch-exporter:v1.8.0",
        env=lambda conn: {"ES_URI": _es_url(conn)},
    ),
    description="Elasticsearch",
)

OPENSEARCH = CatalogEntry(
    kind="opensearch",
    image="opensearchproject/opensearch",
    default_version="2.18.0",
    port=9200,
    default_user="",
    app_env=lambda conn: {"ELASTICSEARCH_URL": f"http://{conn.host}:{conn.port}"},
    server_env=lambda conn: {
        "discovery.type": "single-node",
        "DISABLE_SECURITY_PLUGIN": "true",
        "DISABLE_INSTALL_DEMO_CONFIG": "true",
        "OPENSEARCH_JAVA_OPTS": "-Xms512m -Xmx512m",
    },
    health_command=lambda conn: ("curl", "-fsS", f"http://localhost:{conn.port}{_HEALTH}"),
    data_path="/usr/share/opensearch/data",
    resources=_RESOURCES,
    start_period_s=60,
    exporter=Exporter(
        port=9114,
        image="quay.io/prometheuscommunity/elasticsearch-exporter:v1.8.0",
        env=lambda conn: {"ES_URI": f"http://{conn.host}:{conn.port}"},
    ),
    description="OpenSearch",
)
