"""The monitoring and nginx outputs agree with the compose and Kubernetes targets' own output."""

from __future__ import annotations

import functools
import importlib.resources
import json
from typing import Any

import jsonschema
import pytest
import yaml
from monitoring_support import ALL_CASES, load_spec  # type: ignore[import-not-found]

from prodready.generate.targets import compose, kubernetes, monitoring, nginx


def _documents(files: dict[str, str]) -> list[dict[str, Any]]:
    return [doc for text in files.values() for doc in yaml.safe_load_all(text) if doc]


@functools.cache
def _k8s(name: str) -> list[dict[str, Any]]:
    """The Kubernetes target's documents for a case (rendered once per test session)."""
    return _documents(dict(kubernetes.TARGET.render(load_spec(name))))


@functools.cache
def _compose_schema() -> jsonschema.protocols.Validator:
    """check-jsonschema's vendored compose-spec schema."""
    text = (
        importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
        .joinpath("compose-spec.json")
        .read_text(encoding="utf-8")
    )
    schema = json.loads(text)
    validator: jsonschema.protocols.Validator = jsonschema.validators.validator_for(schema)(schema)
    return validator


@pytest.mark.parametrize("name", ALL_CASES)
def test_service_monitor_selects_the_app_service_on_its_named_port(name: str) -> None:
    spec = load_spec(name)
    k8s = _k8s(name)
    monitor = yaml.safe_load(
        monitoring.render(spec)[f"{monitoring.ROOT}/kubernetes/servicemonitor.yaml"]
    )
    selector = monitor["spec"]["selector"]["matchLabels"]
    services = [
        doc
        for doc in k8s
        if doc["kind"] == "Service"
        and selector.items() <= doc["metadata"].get("labels", {}).items()
    ]
    assert [s["metadata"]["name"] for s in services] == [spec.name]
    (service,) = services
    assert service["metadata"]["namespace"] == monitor["metadata"]["namespace"]
    assert monitor["spec"]["endpoints"][0]["port"] in {p["name"] for p in service["spec"]["ports"]}
    # The job label the rules filter on is the Service name.
    rules = monitoring.render(spec)[f"{monitoring.ROOT}/rules/{spec.name}.yml"]
    assert f'job="{service["metadata"]["name"]}"' in rules


@pytest.mark.parametrize("name", ALL_CASES)
def test_pod_restart_alert_watches_the_containers_the_manifests_run(name: str) -> None:
    spec = load_spec(name)
    containers = {
        container["name"]
        for doc in _k8s(name)
        if doc["kind"] == "Deployment"
        for container in doc["spec"]["template"]["spec"]["containers"]
    }
    plan = monitoring.plan_from_spec(spec)
    assert set(plan.containers) == containers
    namespaces = {doc["metadata"]["namespace"] for doc in _k8s(name) if doc["kind"] == "Deployment"}
    assert namespaces == {plan.namespace}


def _merged(name: str) -> dict[str, Any]:
    return compose.compose_document(load_spec(name))


@pytest.mark.parametrize("name", ALL_CASES)
def test_profile_services_merge_into_a_valid_compose_file(name: str) -> None:
    # Round-trip through YAML text, as compose reads it.
    document = yaml.safe_load(yaml.safe_dump(_merged(name), sort_keys=False))
    errors = [error.message for error in _compose_schema().iter_errors(document)]
    assert errors == []


@pytest.mark.parametrize("name", ALL_CASES)
def test_scrape_targets_and_upstream_are_services_of_the_merged_compose_file(name: str) -> None:
    spec = load_spec(name)
    document = _merged(name)
    services = document["services"]
    config = yaml.safe_load(monitoring.render(spec)[f"{monitoring.ROOT}/prometheus.yml"])
    for job in config["scrape_configs"]:
        for discovery in job.get("dns_sd_configs", []):
            assert set(discovery["names"]) <= set(services)
            assert discovery["port"] == spec.port
        for static in job.get("static_configs", []):
            for target in static["targets"]:
                host, _, _port = target.rpartition(":")
                assert host == "localhost" or host in services, target
    plan = nginx.plan_from_spec(spec)
    assert plan.upstream_host in services
    assert f"127.0.0.1:{spec.port}:{plan.upstream_port}" in services[plan.upstream_host]["ports"]
    for service in services.values():
        for dependency in service.get("depends_on", {}):
            assert dependency in services
        for network in service.get("networks", []):
            assert network in document["networks"]


def test_the_compose_schema_check_rejects_an_unknown_service_key() -> None:
    document = _merged("shop")
    document["services"]["prometheus"]["profile"] = ["monitoring"]  # 'profiles' misspelt
    assert list(_compose_schema().iter_errors(document)) != []
