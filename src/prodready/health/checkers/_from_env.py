"""Real readiness with zero code: one check per backing service named in the environment."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from prodready.health.checkers._kinds import CheckerKinds

if TYPE_CHECKING:
    from prodready.health._registry import HealthRegistry

__all__ = ["add_checks_from_env"]


def add_checks_from_env(
    registry: HealthRegistry,
    env: Mapping[str, str] | None = None,
    *,
    kinds: CheckerKinds | None = None,
    exclude: Collection[str] = (),
    **options: Any,
) -> list[str]:
    """Add a check for every service whose conventional variable is set; return their names.

    Every kind in ``kinds`` (default: all installed in the ``prodready.checkers`` entry-point
    group, third-party ones included) is asked to build a checker from ``env`` (default:
    ``os.environ``): ``DATABASE_URL`` (PostgreSQL URLs only), ``REDIS_URL``,
    ``KAFKA_BOOTSTRAP_SERVERS``, ``RABBITMQ_URL``, ``MONGODB_URL``, ``NEO4J_URI`` (with
    ``NEO4J_USER``/``NEO4J_PASSWORD`` or ``NEO4J_AUTH``), ``ELASTICSEARCH_URL``, ``OPENSEARCH_URL``,
    ``CELERY_BROKER_URL``. Each check is registered under its kind's name (``"postgres"``) with
    ``options`` passed to :meth:`HealthRegistry.add` (``critical=``, ``timeout=``, ``interval=`` …).

    A name already in ``registry`` is skipped: a check the application registered itself (with its
    own pool) wins. ``exclude`` names kinds to leave out. A set variable whose driver is missing
    raises :class:`~prodready.errors.MissingDependencyError` naming the extra to install.
    """
    env = os.environ if env is None else env
    kinds = CheckerKinds.from_entry_points() if kinds is None else kinds
    added: list[str] = []
    for name in kinds:
        if name in exclude or name in registry:
            continue
        checker = kinds.get(name).from_env(env)
        if checker is None:
            continue
        registry.add(name, checker, **options)
        added.append(name)
    return added
