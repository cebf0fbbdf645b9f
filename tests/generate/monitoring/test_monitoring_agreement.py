"""The monitoring and nginx outputs agree with the compose and Kubernetes targets' own output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from monitoring_support import ALL_CASES, load_spec  # type: ignore[import-not-found]

from prodready.generate.targets import compose, kubernetes, monitoring, nginx

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def _documents(files: dict[str, str]) -> list[dict[str, Any]]:
    return [doc for text in files.values() for doc in yaml.safe_load_all(text) if doc]


@pytest.mark.parametrize("name", ALL_CASES)
def test_service_monitor_selects_the_app_service_on_its_named_port(name: str) -> None:
    spec = load_spec(name)
    k8s = _documents(dict(kubernetes.TARGET.render(spec)))
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
        for doc in _documents(dict(kubernetes.TARGET.render(spec)))
        if doc["kind"] == "Deployment"
        for container in doc["spec"]["template"]["spec"]["containers"]
    }
    plan = monitoring.plan_from_spec(spec)
    assert set(plan.containers) == containers
    namespaces = {
        doc["metadata"]["namespace"]
        for doc in _documents(dict(kubernetes.TARGET.render(spec)))
        if doc["kind"] == "Deployment"
    }
    assert namespaces == {plan.namespace}


def _merged(name: str) -> dict[str, Any]:
    spec = load_spec(name)
    document = compose.compose_document(spec)
    document["services"].update(monitoring.compose_services(spec))
    document["services"].update(nginx.compose_services(spec))
    document.setdefault("volumes", {}).update(monitoring.compose_volumes())
    return document


@pytest.mark.parametrize("name", ALL_CASES)
def test_profile_services_merge_into_a_valid_compose_file(name: str, tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(yaml.safe_dump(_merged(name), sort_keys=False), encoding="utf-8")
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


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
