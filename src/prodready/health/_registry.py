"""The check registry: named checks and their options, kept in an instance you pass around.

Nothing registers at import. A :class:`HealthRegistry` rejects duplicate names and refuses to put
a dependency check behind the liveness probe (see :meth:`HealthRegistry.add`).
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from prodready._contract import CHECK_TIMEOUT_S, REFRESH_INTERVAL_S
from prodready.errors import RegistryError
from prodready.health._model import DependencyCheck

__all__ = ["GROUPS", "CheckSpec", "HealthRegistry"]

READINESS: Final = "readiness"
STARTUP: Final = "startup"
LIVENESS: Final = "liveness"
# The groups a registered check may join. Liveness is served by the runner's process monitor.
GROUPS: Final = frozenset({READINESS, STARTUP, LIVENESS})

_NAME_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,62}")
_LIVENESS_REFUSED: Final = (
    "liveness must never depend on anything outside the process: when {name!r} fails, every "
    "replica's liveness would fail together and Kubernetes would restart them all (a cascading "
    "failure) while restarting fixes nothing"
)


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One registered check and how the runner treats it (see :meth:`HealthRegistry.add`)."""

    name: str
    check: Any  # a CheckFunction, a DependencyCheck or a sync callable (run on a thread)
    critical: bool
    timeout: float
    degraded_latency: float | None
    interval: float
    failure_threshold: int
    success_threshold: int
    groups: frozenset[str]
    component_type: str
    is_async: bool


class HealthRegistry:
    """Named health checks with per-check options; an instance, filled by the application.

    Typical use::

        registry = HealthRegistry()
        registry.add("postgres", PostgresCheck(pool))               # readiness, critical
        registry.add("cache", RedisCheck(client), critical=False)   # only ever DEGRADED
        registry.add("migrations", migrations_applied, groups=("startup",))
    """

    def __init__(self) -> None:
        self._specs: dict[str, CheckSpec] = {}
        self._frozen_by: str | None = None

    def add(
        self,
        name: str,
        check: Any,
        *,
        critical: bool = True,
        timeout: float = CHECK_TIMEOUT_S,
        degraded_latency: float | None = None,
        interval: float = REFRESH_INTERVAL_S,
        failure_threshold: int = 1,
        success_threshold: int = 1,
        groups: tuple[str, ...] | list[str] | frozenset[str] = (READINESS,),
        component_type: str | None = None,
        local: bool = False,
    ) -> CheckSpec:
        """Register ``check`` under ``name`` and return its spec.

        ``check`` is an async callable taking no arguments (a :data:`CheckFunction` or a
        :class:`DependencyCheck`) or a plain function, which then runs on the runner's small
        bounded thread pool so it never blocks the event loop. It succeeds by returning ``None``,
        a details mapping or :class:`Degraded`, and fails by raising.

        - ``critical``: a failing critical check fails readiness (503); a non-critical one only
          makes it DEGRADED (still 200).
        - ``timeout`` (s, default ``CHECK_TIMEOUT_S`` = 2 s): the run is cancelled past it and
          reported UNHEALTHY, reason ``timeout``.
        - ``degraded_latency`` (s): a success slower than this is DEGRADED, reason ``latency``.
        - ``interval`` (s, default ``REFRESH_INTERVAL_S`` = 5 s): results are refreshed in the
          background this often and probes are answered from the cache, so the dependency sees
          one call per interval whatever the probe rate.
        - ``failure_threshold`` / ``success_threshold``: consecutive failures before a healthy
          check turns UNHEALTHY, consecutive successes before an unhealthy one recovers; a single
          blip is then suppressed (reason ``threshold``).
        - ``groups``: ``readiness`` (default) and/or ``startup`` (a gate that must pass once).
          ``liveness`` is refused unless ``local=True`` declares that the check only looks at the
          process itself; a :class:`DependencyCheck` is never allowed there.
        - ``component_type``: the IETF health+json ``componentType``; defaults to the checker's
          own ``component_type`` or ``"component"``.

        Raises :class:`~prodready.errors.RegistryError` for a duplicate or malformed name, an
        invalid option, or a dependency check in liveness.
        """
        where = f"health check {name!r}"
        if self._frozen_by is not None:
            raise RegistryError(
                f"cannot add {where}: the registry is in use by a running {self._frozen_by}",
                hint="register every check before the application starts (before lifespan)",
            )
        if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
            raise RegistryError(
                f"invalid health check name {name!r}",
                expected="1-63 letters, digits, '_', '.' or '-', starting with a letter or a "
                "digit (it appears in URLs and metric labels)",
                hint="use a short lowercase name such as 'postgres' or 'orders-db'",
            )
        if name in self._specs:
            raise RegistryError(
                f"{where} is already registered",
                expected="unique check names",
                hint="give the second check its own name, e.g. 'postgres-replica'",
            )
        if not callable(check):
            raise RegistryError(
                f"{where}: {check!r} is not callable",
                expected="an async function taking no arguments, or a checker object",
            )
        group_set = frozenset(groups)
        unknown = group_set - GROUPS
        if unknown or not group_set:
            raise RegistryError(
                f"{where}: unknown groups {sorted(unknown)!r}" if unknown else f"{where}: no group",
                location="groups",
                expected="one or more of 'readiness', 'startup'",
            )
        if LIVENESS in group_set and (not local or isinstance(check, DependencyCheck)):
            raise RegistryError(
                f"{where} cannot join the liveness group: " + _LIVENESS_REFUSED.format(name=name),
                location="groups",
                expected="groups=('readiness',) for a dependency",
                hint="put dependencies in readiness (a failing one takes the replica out of the "
                "load balancer without a restart); liveness already reports event-loop lag. "
                "Pass local=True only for a check that looks at nothing but this process.",
            )
        _positive(where, "timeout", timeout)
        _positive(where, "interval", interval)
        if degraded_latency is not None:
            _positive(where, "degraded_latency", degraded_latency)
        for field, value in (
            ("failure_threshold", failure_threshold),
            ("success_threshold", success_threshold),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RegistryError(
                    f"{where}: {field}={value!r}", location=field, expected="an integer >= 1"
                )
        spec = CheckSpec(
            name=name,
            check=check,
            critical=critical,
            timeout=float(timeout),
            degraded_latency=None if degraded_latency is None else float(degraded_latency),
            interval=float(interval),
            failure_threshold=failure_threshold,
            success_threshold=success_threshold,
            groups=group_set,
            component_type=component_type or getattr(check, "component_type", None) or "component",
            is_async=_is_async(check),
        )
        self._specs[name] = spec
        return spec

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[CheckSpec]:
        return iter(tuple(self._specs.values()))

    def __len__(self) -> int:
        return len(self._specs)

    def __getitem__(self, name: str) -> CheckSpec:
        return self._specs[name]

    def names(self) -> list[str]:
        """Registered names in registration order."""
        return list(self._specs)

    def _freeze(self, owner: str | None) -> None:
        """Called by the runner on start (``owner``) and stop (``None``)."""
        self._frozen_by = owner


def _positive(where: str, field: str, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise RegistryError(
            f"{where}: {field}={value!r}", location=field, expected="a finite number of seconds > 0"
        )


def _is_async(check: object) -> bool:
    if inspect.iscoroutinefunction(check):
        return True
    call = getattr(check, "__call__", None)  # noqa: B004 - we need the bound method itself
    return inspect.iscoroutinefunction(call)
