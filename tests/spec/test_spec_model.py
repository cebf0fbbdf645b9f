"""The service spec model: defaults from the contract, derived values, and what it refuses."""

from __future__ import annotations

import os
from typing import Any

import pydantic
import pytest

from prodready import _contract as contract
from prodready.errors import SpecError
from prodready.spec import CACHE_DIR, ServiceSpec, parse_spec

BASE: dict[str, Any] = {"name": "svc", "app": "svc.main:app"}


def _spec(**extra: Any) -> ServiceSpec:
    return parse_spec({**BASE, **extra})


def _error(**extra: Any) -> SpecError:
    with pytest.raises(SpecError) as info:
        _spec(**extra)
    return info.value


def test_defaults_come_from_the_deployment_contract() -> None:
    spec = _spec()
    assert spec.port == contract.DEFAULT_PORT
    assert spec.probes.liveness == contract.LIVENESS_PATH
    assert spec.probes.readiness == contract.READINESS_PATH
    assert spec.probes.startup == contract.STARTUP_PATH
    assert spec.probes.timeout_s == contract.PROBE_TIMEOUT_S
    assert spec.server.graceful_timeout_s == contract.GRACEFUL_TIMEOUT_S
    assert spec.metrics_path == contract.METRICS_PATH
    assert CACHE_DIR.startswith(contract.APP_HOME)


def test_only_name_and_app_are_required() -> None:
    assert _spec().app_module == "svc.main"
    assert _spec().app_attr == "app"
    with pytest.raises(SpecError, match="required key 'app'"):
        parse_spec({"name": "svc"})


def test_spec_is_frozen() -> None:
    spec = _spec()
    with pytest.raises(pydantic.ValidationError):
        spec.port = 9000  # type: ignore[misc]


def test_workers_follow_the_cpu_limit_not_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert _spec().workers == 1
    assert _spec(resources={"cpu_limit": "4", "memory_limit": "2Gi"}).workers == 4
    assert _spec(resources={"cpu_limit": "1500m"}).workers == 1


def test_derived_workers_are_capped_by_the_memory_limit() -> None:
    spec = _spec(resources={"cpu_limit": "8", "memory_limit": "256Mi"})
    assert spec.workers == 2


def test_explicit_workers_beyond_the_memory_limit_are_refused() -> None:
    error = _error(server={"workers": 8}, resources={"memory_limit": "512Mi"})
    assert "memory_limit" in error.message


def test_explicit_workers_win_when_they_fit() -> None:
    assert _spec(server={"workers": 3}).workers == 3


def test_unknown_key_names_the_field_and_the_closest_valid_key() -> None:
    error = _error(probes={"livenes": "/x"})
    assert error.location == "probes.livenes"
    assert error.hint == "did you mean 'liveness'?"
    assert "readiness" in (error.expected or "")


def test_unknown_key_inside_a_named_service_is_found() -> None:
    error = _error(services={"db": {"kind": "postgres", "extension": ["pgvector"]}})
    assert error.location == "services.db.extension"
    assert error.hint == "did you mean 'extensions'?"


def test_service_kind_defaults_to_its_key() -> None:
    assert _spec(services={"redis": {}}).services["redis"].kind == "redis"
    assert "kind" in _error(services={"cache": {}}).message


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"name": "My_Service"}, "DNS label"),
        ({"app": "svc.main"}, "module:attribute"),
        ({"port": 80}, "greater than or equal to 1024"),
        ({"python": "3.9"}, ">= 3.11"),
        ({"probes": {"liveness": "/health/ready"}}, "restart every pod"),
        ({"probes": {"timeout_s": 1}}, "check timeout"),
        ({"env": {"DB_PASSWORD": "x"}}, "looks like a secret"),
        ({"env": {"lower": "x"}}, "UPPER_SNAKE_CASE"),
        ({"secrets": ["A", "A"]}, "twice"),
        ({"env": {"A": "1"}, "secrets": ["A"]}, "both in env and in secrets"),
        ({"services": {"db": {"kind": "postgres", "version": "latest"}}}, "pinned image tag"),
        ({"services": {"r": {"kind": "redis", "extensions": ["pgvector"]}}}, "postgres only"),
        (
            {"processes": {"beat": {"command": "celery beat", "kind": "scheduler", "replicas": 2}}},
            "exactly one replica",
        ),
        ({"processes": {"web": {"command": "x"}}}, "built-in"),
        ({"processes": {"w": {"command": ""}}}, "must not be empty"),
        ({"build": {"apt": ["curl"]}}, "must be pinned"),
        ({"build": {"files": [{"url": "http://x/m", "sha256": "0" * 64, "dest": "m"}]}}, "https"),
        (
            {"build": {"files": [{"url": "https://x/m", "sha256": "0" * 64, "dest": "../m"}]}},
            "relative path",
        ),
        ({"build": {"files": [{"url": "https://x/m", "sha256": "abc", "dest": "m"}]}}, "64"),
        ({"volumes": {"c": {"path": CACHE_DIR}}}, "hide the baked cache"),
        ({"volumes": {"c": {"path": "/app"}}}, "hide the image"),
        (
            {"environments": {"production": {"hosts": {"db": "db.internal"}}}},
            "no service named 'db'",
        ),
        ({"replicas": 1, "autoscaling": {"min_replicas": 2}}, "between autoscaling"),
        ({"autoscaling": {"min_replicas": 5, "max_replicas": 2}}, "exceeds max_replicas"),
        ({"resources": {"cpu_request": "2", "cpu_limit": "1"}}, "exceeds cpu_limit"),
        ({"resources": {"memory_limit": "lots"}}, "memory quantity"),
        ({"ingress": {"host": "Not A Host"}}, "DNS name"),
        ({"migrate": "alembic 'upgrade"}, "cannot be split"),
        ({"build": {"base_image": "python:latest"}}, "must be pinned"),
        ({"build": {"base_image": "python"}}, "must be pinned"),
        ({"build": {"requirements": "../reqs.txt"}}, "relative path inside the project"),
    ],
)
def test_invalid_values_are_refused_with_a_reason(extra: dict[str, Any], fragment: str) -> None:
    assert fragment in _error(**extra).message


def test_database_name_defaults_to_the_service_name() -> None:
    spec = _spec(name="my-shop", services={"postgres": {}, "mongodb": {"database": "docs"}})
    assert spec.database_name("postgres") == "my_shop"
    assert spec.database_name("mongodb") == "docs"


def test_commands_are_split_like_a_shell() -> None:
    spec = _spec(
        migrate="alembic upgrade head", processes={"w": {"command": "celery -A 'a b' worker"}}
    )
    assert spec.migrate_argv == ("alembic", "upgrade", "head")
    assert spec.processes["w"].argv == ("celery", "-A", "a b", "worker")


def test_autoscaling_defaults_to_3_to_10_and_replicas_start_at_its_minimum() -> None:
    spec = ServiceSpec.model_validate({"name": "api", "app": "api.main:app", "autoscaling": {}})
    assert spec.autoscaling is not None
    assert (spec.autoscaling.min_replicas, spec.autoscaling.max_replicas) == (3, 10)
    assert spec.replicas == 3
