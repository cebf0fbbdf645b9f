"""The target's registration, its options, and the spec errors it raises."""

from __future__ import annotations

import yaml
from k8s_support import Rendered

from prodready.generate import default_targets
from prodready.generate.targets.kubernetes import TARGET, render
from prodready.spec import parse_spec


def test_the_target_is_registered_as_kubernetes_and_writes_under_deploy_k8s() -> None:
    registry = default_targets(plugins=False)
    assert registry.get("kubernetes") is TARGET
    spec = parse_spec({"name": "api", "app": "api.main:app"})
    files = TARGET.render(spec)
    assert all(path.startswith("deploy/k8s/") for path in files)
    assert {
        "deploy/k8s/base/kustomization.yaml",
        "deploy/k8s/overlays/dev/kustomization.yaml",
        "deploy/k8s/overlays/prod/kustomization.yaml",
    } <= set(files)


def test_a_service_without_a_production_host_runs_in_the_cluster_in_prod_too(
    rendered_shapes: dict[str, Rendered],
) -> None:
    r = rendered_shapes["hitl-review"]
    assert "postgres" not in r.spec.environments["production"].hosts
    assert r.one("overlays/prod", "StatefulSet", "postgres")["spec"]["replicas"] == 1
    assert r.one("overlays/prod", "Service", "postgres")
    assert r.of("overlays/prod", "StatefulSet") == [
        r.one("overlays/prod", "StatefulSet", "postgres")
    ]


def test_a_spec_without_services_renders_no_backing_servers_and_no_egress_policy() -> None:
    files = render(parse_spec({"name": "api", "app": "api.main:app"}))
    dev = yaml.safe_load(files["deploy/k8s/overlays/dev/kustomization.yaml"])
    assert dev["resources"] == ["../../base"]
    assert "deploy/k8s/overlays/prod/networkpolicy.yaml" not in files


def _options(rendered_shapes: dict[str, Rendered]) -> Rendered:
    return rendered_shapes["immune-core-options"]


def test_headless_service_option_adds_a_headless_service(
    rendered_shapes: dict[str, Rendered],
) -> None:
    r = _options(rendered_shapes)
    headless = r.one("base", "Service", f"{r.spec.name}-headless")
    assert headless["spec"]["clusterIP"] == "None"
    plain = rendered_shapes["immune-core"]
    assert [s["metadata"]["name"] for s in plain.of("base", "Service")] == [plain.spec.name]


def test_wait_for_dependencies_waits_for_exactly_each_overlays_endpoints(
    rendered_shapes: dict[str, Rendered],
) -> None:
    r = _options(rendered_shapes)
    expected = {
        "overlays/dev": {"kafka:9092", "postgres:5432", "redis:6379"},
        "overlays/prod": {
            "kafka-0.kafka.svc.example.internal:9092",
            "redis.example.internal:6379",
            "postgres.example.internal:5432",
        },
    }
    for overlay, targets in expected.items():
        for kind in ("Deployment", "Job"):
            for workload in r.of(overlay, kind):
                (init,) = workload["spec"]["template"]["spec"]["initContainers"]
                assert init["name"] == "wait-for-dependencies"
                assert set(init["args"]) == targets


def test_external_secret_option_materialises_every_secret_key_in_prod_only(
    rendered_shapes: dict[str, Rendered],
) -> None:
    r = _options(rendered_shapes)
    (external,) = r.of("overlays/prod", "ExternalSecret")
    assert external["spec"]["secretStoreRef"]["name"] == "vault-backend"
    assert external["spec"]["target"]["name"] == f"{r.spec.name}-secrets"
    keys = {item["secretKey"] for item in external["spec"]["data"]}
    assert keys == {"POSTGRES_PASSWORD", "REDIS_PASSWORD"}
    assert r.of("overlays/dev", "ExternalSecret") == []
