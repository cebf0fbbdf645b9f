"""The manifests agree with the runtime, the Dockerfile and themselves, in every overlay."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from k8s_support import OVERLAYS, Rendered, containers, workloads

from prodready import _contract as contract
from prodready.catalog import connection, default_catalog
from prodready.generate.targets import docker
from prodready.generate.targets.kubernetes import _pod
from prodready.health import HealthApp, HealthRegistry, HealthRunner
from prodready.lint import check
from prodready.spec import CACHE_DIR, cpu_millis

PROBES = ("startupProbe", "livenessProbe", "readinessProbe")
_REF = re.compile(r"\$\(([A-Z_][A-Z0-9_]*)\)")


def app_workloads(r: Rendered, overlay: str) -> list[dict[str, Any]]:
    name = r.spec.name
    return [
        doc
        for doc in workloads(r.docs[overlay])
        if doc["metadata"]["labels"]["app.kubernetes.io/name"] == name
    ]


def web(r: Rendered, overlay: str) -> dict[str, Any]:
    return r.one(overlay, "Deployment", r.spec.name)


def app_container(workload: dict[str, Any]) -> dict[str, Any]:
    container: dict[str, Any] = workload["spec"]["template"]["spec"]["containers"][0]
    return container


def env_values(r: Rendered, overlay: str, container: dict[str, Any]) -> dict[str, str]:
    """The container's effective plain env: ConfigMap data, then its own ``value`` entries."""
    values: dict[str, str] = {}
    for source in container.get("envFrom", []):
        name = source["configMapRef"]["name"]
        values.update(r.one(overlay, "ConfigMap", name).get("data", {}))
    for entry in container.get("env", []):
        if "value" in entry:
            values[entry["name"]] = entry["value"]
    return values


def host_of(value: str) -> str | None:
    """The host a connection setting names (URL or ``host:port``), if it names one."""
    if "://" in value:
        return urlsplit(_REF.sub("x", value)).hostname
    if re.fullmatch(r"[a-z0-9.-]+:\d+(,[a-z0-9.-]+:\d+)*", value):
        return value.split(",")[0].rsplit(":", 1)[0]
    return None


def connection_settings(r: Rendered) -> set[str]:
    env: dict[str, str] = {}
    for name in r.spec.services:
        entry = default_catalog().get(r.spec.services[name].kind)
        env.update(entry.app_env(connection(r.spec, name)))
    return set(env)


async def test_probe_paths_are_served_by_the_runtime_health_app(rendered: Rendered) -> None:
    async def failing() -> None:
        raise ConnectionError("database down")

    registry = HealthRegistry()
    registry.add("database", failing)
    app = HealthApp(HealthRunner(registry, handle_signals=False))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pod") as client:
        for overlay in OVERLAYS:
            container = app_container(web(rendered, overlay))
            for probe in PROBES:
                path = container[probe]["httpGet"]["path"]
                response = await client.get(path)
                assert response.status_code != 404, f"{probe} {path} is not served"
            live = await client.get(container["livenessProbe"]["httpGet"]["path"])
            assert live.status_code == 200, "liveness must not fail when a dependency is down"


def test_liveness_uses_the_dependency_free_path(rendered: Rendered) -> None:
    for overlay in OVERLAYS:
        path = app_container(web(rendered, overlay))["livenessProbe"]["httpGet"]["path"]
        assert path in contract.DEPENDENCY_FREE_PATHS


def test_probe_ports_equal_container_ports(rendered: Rendered) -> None:
    for overlay in OVERLAYS:
        container = app_container(web(rendered, overlay))
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        assert ports == {"http": rendered.spec.port}
        for probe in PROBES:
            assert ports[container[probe]["httpGet"]["port"]] == rendered.spec.port


def test_probe_timeouts_exceed_the_runtime_check_timeout(rendered: Rendered) -> None:
    for overlay in OVERLAYS:
        for workload in app_workloads(rendered, overlay):
            for container in containers(workload):
                for probe in PROBES:
                    if probe in container:
                        assert container[probe]["timeoutSeconds"] > contract.CHECK_TIMEOUT_S


def test_service_selectors_match_pod_labels_and_target_a_container_port(
    rendered: Rendered,
) -> None:
    for overlay in OVERLAYS:
        pods = workloads(rendered.docs[overlay])
        for service in rendered.of(overlay, "Service"):
            selector = service["spec"]["selector"]
            matched = [
                w
                for w in pods
                if selector.items() <= w["spec"]["template"]["metadata"]["labels"].items()
            ]
            assert matched, f"Service {service['metadata']['name']} selects no pod"
            for workload in matched:
                declared = {
                    (p.get("name"), p["containerPort"])
                    for c in containers(workload)
                    for p in c.get("ports", [])
                }
                for port in service["spec"]["ports"]:
                    target = port["targetPort"]
                    assert any(target in pair for pair in declared), (service, target)


def test_workload_selectors_match_their_own_template_labels(rendered: Rendered) -> None:
    for overlay in OVERLAYS:
        for workload in workloads(rendered.docs[overlay]):
            if workload["kind"] == "Job":
                continue
            labels = workload["spec"]["template"]["metadata"]["labels"]
            assert workload["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_app_containers_get_the_service_name_the_runtime_labels_logs_and_metrics_with(
    rendered: Rendered,
) -> None:
    for overlay in OVERLAYS:
        for workload in app_workloads(rendered, overlay):
            values = env_values(rendered, overlay, app_container(workload))
            assert values.get("SERVICE_NAME") == rendered.spec.name, workload["metadata"]["name"]


def test_dev_hostnames_resolve_to_services_of_the_same_render(rendered: Rendered) -> None:
    services = {svc["metadata"]["name"] for svc in rendered.of("overlays/dev", "Service")}
    names = connection_settings(rendered)
    for workload in app_workloads(rendered, "overlays/dev"):
        values = env_values(rendered, "overlays/dev", app_container(workload))
        assert names <= values.keys(), f"missing connection settings: {names - values.keys()}"
        hosts = {key: host_of(values[key]) for key in names}
        for key, host in hosts.items():
            assert host is None or host in services, f"{key}={values[key]!r}: no Service {host!r}"
        assert set(hosts.values()) - {None} == set(rendered.spec.services)


def declared_hosts(r: Rendered) -> dict[str, str]:
    """Service name -> the production host the spec declares for it."""
    return {
        name: address.partition(":")[0]
        for env in r.spec.environments.values()
        for name, address in env.hosts.items()
    }


def test_prod_hostnames_are_external_endpoints_or_services_of_the_same_render(
    rendered: Rendered,
) -> None:
    external = declared_hosts(rendered)
    in_cluster = set(rendered.spec.services) - set(external)
    expected = set(external.values()) | in_cluster
    names = connection_settings(rendered)
    services = {svc["metadata"]["name"] for svc in rendered.of("overlays/prod", "Service")}
    for workload in app_workloads(rendered, "overlays/prod"):
        values = env_values(rendered, "overlays/prod", app_container(workload))
        hosts = {host_of(values[key]) for key in names} - {None}
        assert hosts == expected
        assert hosts & services == in_cluster
    statefulsets = {s["metadata"]["name"] for s in rendered.of("overlays/prod", "StatefulSet")}
    assert statefulsets == in_cluster


def test_secret_references_are_declared_before_use(rendered: Rendered) -> None:
    for overlay in OVERLAYS:
        for workload in workloads(rendered.docs[overlay]):
            for container in containers(workload):
                declared: set[str] = set()
                for entry in container.get("env", []):
                    for ref in _REF.findall(entry.get("value", "")):
                        assert ref in declared, f"{entry['name']} uses $({ref}) before it is set"
                    declared.add(entry["name"])


def test_no_secret_value_is_written_anywhere(rendered: Rendered) -> None:
    secret_keys = set(rendered.spec.secrets)
    for overlay in OVERLAYS:
        assert rendered.of(overlay, "Secret") == []
        for config in rendered.of(overlay, "ConfigMap"):
            assert not secret_keys & set(config.get("data", {}))
            for value in config.get("data", {}).values():
                assert "@" not in value or "$(" in value, "a credential in a ConfigMap"
    template = rendered.files["deploy/k8s/base/secret.template.yaml"]
    assert "stringData" in template
    assert re.findall(r"^  [A-Z_]+: (.*)$", template, re.MULTILINE) == ["''"] * len(
        re.findall(r"^  [A-Z_]+:", template, re.MULTILINE)
    )


def test_hpa_targets_have_requests_for_every_metric(rendered: Rendered) -> None:
    hpas = rendered.of("overlays/prod", "HorizontalPodAutoscaler")
    assert len(hpas) == (1 if rendered.spec.autoscaling else 0)
    for hpa in hpas:
        assert hpa["apiVersion"] == "autoscaling/v2"
        target = rendered.one("overlays/prod", "Deployment", hpa["spec"]["scaleTargetRef"]["name"])
        assert "replicas" not in target["spec"], "the HPA owns the replica count"
        requests = app_container(target)["resources"]["requests"]
        for metric in hpa["spec"]["metrics"]:
            assert metric["resource"]["name"] in requests


def test_pdbs_exist_exactly_for_deployments_running_more_than_one_pod(
    rendered: Rendered,
) -> None:
    spec = rendered.spec
    expected: dict[str, int] = {}
    expected[spec.name] = spec.autoscaling.min_replicas if spec.autoscaling else spec.replicas
    for name, process in spec.processes.items():
        expected[f"{spec.name}-{name}"] = process.replicas
    budgets = {
        p["metadata"]["name"]: p for p in rendered.of("overlays/prod", "PodDisruptionBudget")
    }
    assert set(budgets) == {name for name, count in expected.items() if count > 1}
    assert rendered.of("overlays/dev", "PodDisruptionBudget") == []
    for name, budget in budgets.items():
        labels = rendered.one("overlays/prod", "Deployment", name)["spec"]["template"]["metadata"]
        assert budget["spec"]["selector"]["matchLabels"].items() <= labels["labels"].items()
        assert budget["spec"]["maxUnavailable"] == 1


def test_prod_runs_the_spec_replica_counts_and_dev_runs_one_pod_each(rendered: Rendered) -> None:
    spec = rendered.spec
    for deployment in rendered.of("overlays/dev", "Deployment"):
        assert deployment["spec"]["replicas"] == 1
    web_prod = web(rendered, "overlays/prod")
    assert web_prod["spec"].get("replicas") == (None if spec.autoscaling else spec.replicas)
    for name, process in spec.processes.items():
        worker = rendered.one("overlays/prod", "Deployment", f"{spec.name}-{name}")
        assert worker["spec"]["replicas"] == process.replicas


def test_our_checker_reports_nothing_on_the_generated_tree(rendered: Rendered) -> None:
    report = check([rendered.root])
    assert [(f.rule.id, f.message) for f in report.findings] == []


def test_run_as_user_and_fs_group_equal_the_dockerfile_uid(rendered: Rendered) -> None:
    dockerfile = docker.TARGET.render(rendered.spec)["Dockerfile"]
    users = re.findall(r"^USER (\d+)(?::(\d+))?$", dockerfile, re.MULTILINE)
    assert users, "the Dockerfile sets no numeric USER"
    uid, gid = int(users[-1][0]), int(users[-1][1] or users[-1][0])
    for overlay in OVERLAYS:
        for workload in app_workloads(rendered, overlay):
            pod = workload["spec"]["template"]["spec"]
            assert pod["securityContext"]["runAsUser"] == uid
            assert pod["securityContext"]["fsGroup"] == gid
            for container in containers(workload):
                assert container["securityContext"]["runAsUser"] == uid


def test_workers_in_the_image_command_follow_the_cpu_limit(rendered: Rendered) -> None:
    argv = docker.server_argv(rendered.spec)
    workers = int(argv[argv.index("--workers") + 1])
    limit = app_container(web(rendered, "overlays/prod"))["resources"]["limits"]["cpu"]
    derived = max(1, min(cpu_millis(limit) // 1000, rendered.spec.max_workers))
    # an explicit server.workers wins; otherwise one worker per whole CPU of the limit
    assert workers == (rendered.spec.server.workers or derived)


def test_grace_period_exceeds_prestop_drain_and_graceful_timeout(rendered: Rendered) -> None:
    budget = _pod.PRESTOP_SLEEP_S + contract.DRAIN_DELAY_S + rendered.spec.server.graceful_timeout_s
    argv = docker.server_argv(rendered.spec)
    flag = next(f for f in ("--timeout-graceful-shutdown", "--graceful-timeout") if f in argv)
    assert int(argv[argv.index(flag) + 1]) == rendered.spec.server.graceful_timeout_s
    for overlay in OVERLAYS:
        for workload in app_workloads(rendered, overlay):
            if workload["kind"] != "Deployment":
                continue
            pod = workload["spec"]["template"]["spec"]
            assert pod["terminationGracePeriodSeconds"] > budget
            prestop = pod["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"]
            assert prestop == _pod.PRESTOP_SLEEP_S


def test_pods_meet_the_restricted_pod_security_standard(rendered: Rendered) -> None:
    namespace = rendered.one("base", "Namespace", rendered.spec.name)
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for overlay in OVERLAYS:
        for workload in workloads(rendered.docs[overlay]):
            pod = workload["spec"]["template"]["spec"]
            assert pod["securityContext"]["runAsNonRoot"] is True
            assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
            assert pod["automountServiceAccountToken"] is False
            for container in containers(workload):
                context = container["securityContext"]
                assert context["allowPrivilegeEscalation"] is False
                assert context["capabilities"] == {"drop": ["ALL"]}
                assert context["runAsUser"] > 0


def writable(path: str, mounts: set[str]) -> bool:
    return any(path == mount or path.startswith(mount.rstrip("/") + "/") for mount in mounts)


def test_app_root_filesystem_is_read_only_with_writable_home_cache_and_tmp(
    rendered: Rendered,
) -> None:
    for overlay in OVERLAYS:
        for workload in app_workloads(rendered, overlay):
            container = app_container(workload)
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            mounts = {mount["mountPath"] for mount in container["volumeMounts"]}
            env = {e["name"]: e.get("value") for e in container["env"]}
            assert env["HOME"] == contract.APP_HOME
            assert env["XDG_CACHE_HOME"] == CACHE_DIR
            assert env["PROMETHEUS_MULTIPROC_DIR"] == contract.PROMETHEUS_MULTIPROC_DIR
            for name in ("HOME", "XDG_CACHE_HOME", "PROMETHEUS_MULTIPROC_DIR"):
                assert writable(env[name], mounts), f"{name}={env[name]} is read-only"
            assert writable("/tmp", mounts)


def test_baked_home_files_are_copied_into_the_writable_home_before_start(
    rendered: Rendered,
) -> None:
    baked = bool(rendered.spec.build.files or rendered.spec.build.run)
    for overlay in OVERLAYS:
        for workload in app_workloads(rendered, overlay):
            init = workload["spec"]["template"]["spec"].get("initContainers", [])
            seeds = [c for c in init if c["name"] == "seed-home"]
            if not baked:
                assert seeds == []
                continue
            (seed,) = seeds
            # it reads the image's own HOME, so nothing may be mounted over it there
            assert contract.APP_HOME in seed["command"]
            assert not writable(contract.APP_HOME, {m["mountPath"] for m in seed["volumeMounts"]})
            (mount,) = seed["volumeMounts"]
            app_mounts = {
                m["name"]: m["mountPath"] for m in app_container(workload)["volumeMounts"]
            }
            assert app_mounts[mount["name"]] == contract.APP_HOME


def test_network_egress_allows_dns_and_exactly_the_declared_dependencies(
    rendered: Rendered,
) -> None:
    catalog = default_catalog()
    for overlay in ("overlays/dev", "overlays/prod"):
        policies = rendered.of(overlay, "NetworkPolicy")
        deny = next(p for p in policies if p["metadata"]["name"] == "default-deny")
        assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        dns = next(p for p in policies if p["metadata"]["name"] == "allow-dns")
        assert {port["port"] for port in dns["spec"]["egress"][0]["ports"]} == {53}
        egress = [p for p in policies if p["metadata"]["name"] == f"{rendered.spec.name}-egress"]
        if not rendered.spec.services:
            assert egress == []
            continue
        ports = {port["port"] for rule in egress[0]["spec"]["egress"] for port in rule["ports"]}
        if overlay == "overlays/dev":
            expected = {
                catalog.get(service.kind).port for service in rendered.spec.services.values()
            }
        else:
            addresses = {
                n: address
                for env in rendered.spec.environments.values()
                for n, address in env.hosts.items()
            }
            expected = {
                int(
                    addresses.get(n, "").partition(":")[2]
                    or catalog.get(rendered.spec.services[n].kind).port
                )
                for n in rendered.spec.services
            }
        assert ports == expected


def test_web_ingress_comes_only_from_the_ingress_controller_and_prometheus(
    rendered: Rendered,
) -> None:
    policy = rendered.one("base", "NetworkPolicy", f"{rendered.spec.name}-ingress")
    rule = policy["spec"]["ingress"][0]
    namespaces = {
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for peer in rule["from"]
    }
    assert namespaces == {"ingress-nginx", "monitoring"}
    assert rule["ports"] == [{"protocol": "TCP", "port": rendered.spec.port}]


def test_ingress_has_tls_for_its_host_in_both_overlays(rendered: Rendered) -> None:
    for overlay in ("overlays/dev", "overlays/prod"):
        ingresses = rendered.of(overlay, "Ingress")
        if rendered.spec.ingress is None:
            assert ingresses == []
            continue
        (ingress,) = ingresses
        host = ingress["spec"]["rules"][0]["host"]
        assert ingress["spec"]["tls"][0]["hosts"] == [host]
        backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
        assert backend["name"] in {s["metadata"]["name"] for s in rendered.of(overlay, "Service")}


def test_migration_runs_in_one_job_never_in_the_web_pods(rendered: Rendered) -> None:
    for overlay in OVERLAYS:
        jobs = rendered.of(overlay, "Job")
        if rendered.spec.migrate is None:
            assert jobs == []
            continue
        (job,) = jobs
        assert app_container(job)["command"] == list(rendered.spec.migrate_argv or ())
        assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
        for workload in app_workloads(rendered, overlay):
            if workload["kind"] == "Deployment":
                assert app_container(workload).get("command") != app_container(job)["command"]


def test_rolling_update_never_removes_a_serving_pod_first(rendered: Rendered) -> None:
    for overlay in OVERLAYS:
        for deployment in rendered.of(overlay, "Deployment"):
            update = deployment["spec"]["strategy"]["rollingUpdate"]
            assert update == {"maxSurge": 1, "maxUnavailable": 0}


@pytest.mark.parametrize("overlay", ["overlays/dev"])
def test_dev_backing_services_come_from_the_catalogue(rendered: Rendered, overlay: str) -> None:
    catalog = default_catalog()
    sets = {s["metadata"]["name"]: s for s in rendered.of(overlay, "StatefulSet")}
    assert set(sets) == set(rendered.spec.services)
    for name, service in rendered.spec.services.items():
        entry = catalog.get(service.kind)
        statefulset = sets[name]
        assert statefulset["spec"]["replicas"] == 1
        container = statefulset["spec"]["template"]["spec"]["containers"][0]
        assert container["image"] == entry.image_ref(service.version, service.extensions)
        assert container["ports"][0]["containerPort"] == entry.port
        assert rendered.one(overlay, "Service", name)["spec"]["ports"][0]["port"] == entry.port
