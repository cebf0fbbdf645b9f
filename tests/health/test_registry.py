"""The registry: names, options, and the liveness rule."""

from __future__ import annotations

from typing import Any

import pytest

from prodready.errors import RegistryError
from prodready.health import Degraded, HealthRegistry, HealthRunner


async def ok() -> None:
    return None


class FakeDependency:
    """Satisfies the DependencyCheck protocol (kind, component_type, __call__, aclose)."""

    kind = "postgres"
    component_type = "datastore"

    async def __call__(self) -> Degraded | None:
        return None

    async def aclose(self) -> None:
        return None


def test_a_new_registry_is_empty() -> None:
    assert len(HealthRegistry()) == 0


def test_add_uses_the_contract_defaults(registry: HealthRegistry) -> None:
    spec = registry.add("db", ok)
    assert (spec.timeout, spec.interval) == (2.0, 5.0)
    assert spec.groups == {"readiness"}
    assert spec.critical
    assert spec.is_async
    assert spec.failure_threshold == spec.success_threshold == 1


def test_duplicate_name_is_rejected(registry: HealthRegistry) -> None:
    registry.add("db", ok)
    with pytest.raises(RegistryError, match="already registered"):
        registry.add("db", ok)


def test_dependency_check_in_liveness_is_refused_with_the_reason(
    registry: HealthRegistry,
) -> None:
    with pytest.raises(RegistryError) as info:
        registry.add("db", FakeDependency(), groups=("liveness",), local=True)
    text = str(info.value)
    assert "cascading" in text
    assert "readiness" in text
    assert "db" not in registry


def test_plain_check_in_liveness_is_refused_unless_declared_local(
    registry: HealthRegistry,
) -> None:
    with pytest.raises(RegistryError, match="liveness"):
        registry.add("queue-depth", ok, groups=("liveness",))
    assert registry.add("queue-depth", ok, groups=("liveness",), local=True).groups == {"liveness"}


def test_component_type_comes_from_the_checker(registry: HealthRegistry) -> None:
    assert registry.add("db", FakeDependency()).component_type == "datastore"
    assert registry.add("other", ok).component_type == "component"


def test_sync_function_is_marked_for_the_thread_pool(registry: HealthRegistry) -> None:
    def sync_check() -> None:
        return None

    assert registry.add("sync", sync_check).is_async is False
    assert registry.add("dep", FakeDependency()).is_async is True


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("timeout", 0),
        ("timeout", float("inf")),
        ("interval", -1),
        ("degraded_latency", 0),
        ("failure_threshold", 0),
        ("success_threshold", 1.5),
        ("groups", ("ready",)),
        ("groups", ()),
    ],
)
def test_invalid_option_is_rejected_naming_the_field(
    registry: HealthRegistry, option: str, value: Any
) -> None:
    with pytest.raises(RegistryError) as info:
        registry.add("db", ok, **{option: value})
    assert info.value.location == option


@pytest.mark.parametrize("name", ["", "has space", "-leading", "a/b", "x" * 64])
def test_malformed_name_is_rejected(registry: HealthRegistry, name: str) -> None:
    with pytest.raises(RegistryError, match="invalid health check name"):
        registry.add(name, ok)


def test_non_callable_check_is_rejected(registry: HealthRegistry) -> None:
    with pytest.raises(RegistryError, match="not callable"):
        registry.add("db", "SELECT 1")


def test_reserved_event_loop_name_is_refused_by_the_runner(registry: HealthRegistry) -> None:
    registry.add("event_loop", ok)
    with pytest.raises(RegistryError, match="reserved"):
        HealthRunner(registry)


async def test_registry_refuses_checks_while_a_runner_runs(registry: HealthRegistry) -> None:
    registry.add("db", ok)
    runner = HealthRunner(registry, handle_signals=False)
    async with runner:
        with pytest.raises(RegistryError, match="before the application starts"):
            registry.add("late", ok)
    registry.add("late", ok)
    assert "late" in registry
