"""Public test helpers: private real servers on free loopback ports, for this suite and yours.

Each server class starts a private instance (its own temporary directory and ports), blocks in
``start()`` until the server accepts real work, hands out ``url`` (with credentials where the server
has auth), and ``stop()``/``restart()``/``close()`` it on demand; each is a context manager. Nothing
starts at import and no database driver is imported. The pytest fixtures live in
:mod:`prodready.testing.pytest_plugin`, loaded automatically when prodready is installed.

Binaries come from Debian packages (PostgreSQL, Redis, RabbitMQ) or from the cache that
``scripts/install-test-deps`` fills outside the repository (``~/.cache/prodready/servers``, or
``$PRODREADY_SERVER_CACHE``): the Kafka, Neo4j, OpenSearch and mongo-java-server jars.
"""

from __future__ import annotations

from prodready.testing._base import ManagedServer
from prodready.testing._kafka import KafkaServer
from prodready.testing._mongo import MongoServer
from prodready.testing._neo4j import Neo4jServer
from prodready.testing._opensearch import OpenSearchServer
from prodready.testing._ports import free_port
from prodready.testing._postgres import PostgresServer
from prodready.testing._rabbitmq import RabbitMQServer
from prodready.testing._redis import RedisServer
from prodready.testing._tcp import BlackholeServer, LatencyProxy

__all__ = [
    "BlackholeServer",
    "KafkaServer",
    "LatencyProxy",
    "ManagedServer",
    "MongoServer",
    "Neo4jServer",
    "OpenSearchServer",
    "PostgresServer",
    "RabbitMQServer",
    "RedisServer",
    "free_port",
]
