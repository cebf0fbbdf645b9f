"""Dependency checkers: one small module per backing service, each a :class:`DependencyCheck`.

Every checker is an async callable with ``kind`` and ``component_type`` that returns details (or
:class:`~prodready.health.Degraded`) and raises on failure; ``aclose()`` closes only a client the
checker created. Each takes the application's own client/pool, or a URL from which it keeps one
long-lived client (never one connection per check). Drivers are optional extras, imported when a
checker is built; a missing one raises :class:`~prodready.errors.MissingDependencyError` naming
the ``pip install 'prodready[...]'`` to run. Timeouts, caching, thresholds and secret scrubbing are
the runner's job.

Checkers are found through the ``prodready.checkers`` entry-point group (:class:`CheckerKinds`),
the same door third-party packages use; :func:`add_checks_from_env` registers one per service named
in the environment.
"""

from __future__ import annotations

from prodready.health.checkers._base import CheckFailed
from prodready.health.checkers._celery import CeleryCheck
from prodready.health.checkers._disk import DiskCheck
from prodready.health.checkers._elasticsearch import ElasticsearchCheck, OpenSearchCheck
from prodready.health.checkers._from_env import add_checks_from_env
from prodready.health.checkers._http import HttpCheck
from prodready.health.checkers._kafka import KafkaCheck
from prodready.health.checkers._kinds import ENTRY_POINT_GROUP, CheckerKind, CheckerKinds
from prodready.health.checkers._memory import MemoryCheck
from prodready.health.checkers._mongodb import MongoCheck
from prodready.health.checkers._neo4j import Neo4jCheck
from prodready.health.checkers._postgres import PostgresCheck
from prodready.health.checkers._rabbitmq import RabbitMQCheck
from prodready.health.checkers._redis import RedisCheck
from prodready.health.checkers._tcp import TcpCheck

__all__ = [
    "ENTRY_POINT_GROUP",
    "CeleryCheck",
    "CheckFailed",
    "CheckerKind",
    "CheckerKinds",
    "DiskCheck",
    "ElasticsearchCheck",
    "HttpCheck",
    "KafkaCheck",
    "MemoryCheck",
    "MongoCheck",
    "Neo4jCheck",
    "OpenSearchCheck",
    "PostgresCheck",
    "RabbitMQCheck",
    "RedisCheck",
    "TcpCheck",
    "add_checks_from_env",
]
