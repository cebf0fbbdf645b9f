"""Neo4j (community): ``NEO4J_URI`` and ``NEO4J_USER`` for the app, plus the ``NEO4J_PASSWORD``
secret (the driver takes credentials separately from the URI). Health runs a Cypher query.

Neo4j community has no Prometheus endpoint, so there is no exporter.
"""

from __future__ import annotations

from prodready.catalog._model import CatalogEntry
from prodready.spec import Resources

ENTRY = CatalogEntry(
    kind="neo4j",
    image="neo4j",
    default_version="5.26.0-community",
    port=7687,
    default_user="neo4j",
    app_env=lambda conn: {
        "NEO4J_URI": f"bolt://{conn.host}:{conn.port}",
        "NEO4J_USER": conn.user,
    },
    server_env=lambda conn: {
        "NEO4J_AUTH": f"{conn.user}/${{NEO4J_PASSWORD}}",
        "NEO4J_PASSWORD": "${NEO4J_PASSWORD}",
        "NEO4J_server_memory_heap_max__size": "512m",
    },
    health_command=lambda conn: (
        "sh",
        "-c",
        f'cypher-shell -a bolt://localhost:{conn.port} -u {conn.user} -p "$NEO4J_PASSWORD" '
        "'RETURN 1'",
    ),
    secrets=("NEO4J_PASSWORD",),
    app_secrets=("NEO4J_PASSWORD",),
    data_path="/data",
    resources=Resources(
        cpu_request="500m", cpu_limit="1", memory_request="1Gi", memory_limit="1536Mi"
    ),
    start_period_s=60,
    description="Neo4j",
)
