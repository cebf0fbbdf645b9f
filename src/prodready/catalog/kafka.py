"""Apache Kafka in KRaft mode (one node, no ZooKeeper): ``KAFKA_BOOTSTRAP_SERVERS`` for the app.

Health asks the broker for its API versions, which succeeds only once it serves clients. The
advertised listener is the service's own host name, so clients on the network can reconnect to it
(the seed-000/004 lesson: a wrong bootstrap host is the classic Kafka misconfiguration).
"""

from __future__ import annotations

from prodready.catalog._model import CatalogEntry, Connection, Exporter
from prodready.spec import Resources


def _server_env(conn: Connection) -> dict[str, str]:
    return {
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": f"PLAINTEXT://:{conn.port},CONTROLLER://:9093",
        "KAFKA_ADVERTISED_LISTENERS": f"PLAINTEXT://{conn.host}:{conn.port}",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "KAFKA_LOG_DIRS": "/var/lib/kafka/data",
        "KAFKA_HEAP_OPTS": "-Xms512m -Xmx512m",
    }


ENTRY = CatalogEntry(
    kind="kafka",
    image="apache/kafka",
    default_version="3.9.0",
    port=9092,
    default_user="",
    app_env=lambda conn: {"KAFKA_BOOTSTRAP_SERVERS": f"{conn.host}:{conn.port}"},
    server_env=_server_env,
    health_command=lambda conn: (
        "/opt/kafka/bin/kafka-broker-api-versions.sh",
        "--bootstrap-server",
        f"localhost:{conn.port}",
    ),
    data_path="/var/lib/kafka/data",
    resources=Resources(
        cpu_request="500m", cpu_limit="2", memory_request="768Mi", memory_limit="1Gi"
    ),
    start_period_s=40,
    exporter=Exporter(
        port=9308,
        image="danielqsj/kafka-exporter:v1.8.0",
        args=lambda conn: (f"--kafka.server={conn.host}:{conn.port}",),
    ),
    description="Apache Kafka (KRaft)",
)
