"""Assemble the kustomize tree: ``base/``, ``overlays/dev/`` and ``overlays/prod/``.

- ``base``: namespace, identity, the app's Deployments and Service, PVCs, the migration Job,
  default-deny NetworkPolicies with DNS and ingress allows, and the ConfigMap generator holding the
  spec's plain settings. It names no dependency host: that is each overlay's job.
- ``overlays/dev``: a single-replica StatefulSet + Service per backing service from the catalogue;
  the app's connection settings point at those Services.
- ``overlays/prod``: the spec's external endpoints, the replica count or HPA, the PDB.

Connection settings without a secret go into the ConfigMap (merged per overlay); those that embed
a secret (``DATABASE_URL``) are appended to the app containers' env by a JSON patch, after the
secrets they reference as ``$(NAME)`` are declared.
"""

from __future__ import annotations

from . import _backing as backing
from . import _cluster as cluster
from . import _config as config
from . import _network as network
from . import _pod as pod
from . import _scaling as scaling
from . import _workloads as workloads
from ._plan import Dependency, Endpoint, Plan
from ._yaml import Manifest, dump

ROOT = "deploy/k8s"
KUSTOMIZE_API = "kustomize.config.k8s.io/v1beta1"
BASE_PATH = "../../base"
_REF_MARK = "${"
# The tag compose gives the locally built image; the dev overlay runs the same build.
DEV_IMAGE_TAG = "local"


def _kustomization(plan: Plan, resources: list[str], **fields: object) -> Manifest:
    manifest: Manifest = {
        "apiVersion": KUSTOMIZE_API,
        "kind": "Kustomization",
        "namespace": plan.namespace,
        "resources": resources,
    }
    manifest.update({key: value for key, value in fields.items() if value})
    return manifest


def _app_targets(plan: Plan) -> list[Manifest]:
    """Kustomize patch targets: every app Deployment and the migration Job."""
    selector = f"app.kubernetes.io/name={plan.app}"
    targets = [{"kind": "Deployment", "labelSelector": selector}]
    if plan.migration_command is not None:
        targets.append({"kind": "Job", "labelSelector": selector})
    return targets


def split_env(env: tuple[tuple[str, str], ...]) -> tuple[list[tuple[str, str]], list[Manifest]]:
    """Plain connection settings (ConfigMap literals) and secret-bearing ones (container env)."""
    plain = [(key, value) for key, value in env if _REF_MARK not in value]
    secret = [
        {"name": key, "value": backing.kubernetes_refs(value)}
        for key, value in env
        if _REF_MARK in value
    ]
    return plain, secret


def _overlay_patches(
    plan: Plan, env: tuple[tuple[str, str], ...], endpoints: list[Endpoint]
) -> tuple[list[Manifest], list[tuple[str, str]]]:
    """JSON patches that append secret-bearing env and the wait-for targets; plus the literals."""
    plain, secret = split_env(env)
    ops: list[Manifest] = [
        {"op": "add", "path": "/spec/template/spec/containers/0/env/-", "value": entry}
        for entry in secret
    ]
    if plan.wait_for_dependencies and endpoints:
        ops.append(
            {
                "op": "replace",
                "path": "/spec/template/spec/initContainers/0/args",
                "value": [f"{endpoint.host}:{endpoint.port}" for endpoint in endpoints],
            }
        )
    patches = [{"target": target, "patch": dump_ops(ops)} for target in _app_targets(plan)]
    return (patches if ops else []), plain


def dump_ops(ops: list[Manifest]) -> str:
    """A JSON6902 patch, inline in the kustomization as YAML."""
    return dump(ops)


def _merge_generator(plan: Plan, literals: list[tuple[str, str]]) -> list[Manifest]:
    """The overlay's connection settings merged into the base ConfigMap (none: no entry)."""
    return [config.config_generator(plan, tuple(literals), merge=True)] if literals else []


def _ingress_file(plan: Plan, host: str) -> str:
    if plan.ingress is None:  # pragma: no cover - callers check
        raise ValueError("no ingress in the plan")
    return dump(network.ingress(plan, plan.ingress, host))


def base_files(plan: Plan) -> dict[str, str]:
    """The overlay-independent part of the stack."""
    files: dict[str, str] = {
        "namespace.yaml": dump(cluster.namespace(plan)),
        "serviceaccount.yaml": dump(cluster.service_account(plan)),
    }
    for process in plan.processes:
        name = "deployment.yaml" if process.http else f"deployment-{process.name}.yaml"
        files[name] = dump(workloads.deployment(plan, process))
    services = [network.service(plan)]
    if plan.headless_service:
        services.append(network.headless_service(plan))
    files["service.yaml"] = dump(*services)
    for volume in plan.volumes:
        files[f"pvc-{volume.name}.yaml"] = dump(workloads.pvc(plan, volume.name, volume.size))
    if plan.migration_command is not None:
        files["job-migrate.yaml"] = dump(workloads.migration_job(plan, plan.migration_command))
    files["networkpolicy.yaml"] = dump(
        network.default_deny(plan), network.allow_dns(plan), network.allow_web_ingress(plan)
    )
    resources = list(files)
    files["kustomization.yaml"] = dump(
        _kustomization(
            plan,
            resources,
            configMapGenerator=[config.config_generator(plan, plan.settings, merge=False)],
        )
    )
    files["secret.template.yaml"] = config.TEMPLATE_HEADER + dump(config.secret_template(plan))
    return files


def _in_cluster_files(plan: Plan, deps: list[Dependency]) -> dict[str, str]:
    """Service + StatefulSet + NetworkPolicy per backing service run inside the cluster."""
    return {
        f"{dep.name}.yaml": dump(
            backing.service(plan, dep),
            backing.statefulset(plan, dep),
            network.allow_backing_ingress(plan, dep),
        )
        for dep in deps
    }


def dev_files(plan: Plan) -> dict[str, str]:
    """Backing services in the cluster; the app pointed at their Services; one web replica."""
    files = _in_cluster_files(plan, list(plan.dependencies))
    if plan.dependencies:
        files["networkpolicy.yaml"] = dump(
            network.allow_dependency_egress(plan, list(plan.dependencies), [])
        )
    if plan.ingress is not None:
        files["ingress.yaml"] = _ingress_file(plan, plan.ingress.dev_host)
    endpoints = [Endpoint(dep.name, dep.port) for dep in plan.dependencies]
    patches, literals = _overlay_patches(plan, plan.dev_env, endpoints)
    files["kustomization.yaml"] = dump(
        _kustomization(
            plan,
            [BASE_PATH, *files],
            configMapGenerator=_merge_generator(plan, literals),
            patches=patches,
            images=[{"name": plan.app, "newTag": DEV_IMAGE_TAG}],
        )
    )
    return files


def prod_files(plan: Plan) -> dict[str, str]:
    """External endpoints; the replica count or the HPA; the PDB when two or more pods run.

    A backing service the spec gives no production host keeps its in-cluster StatefulSet here too,
    so the app's host is still a Service of the same render.
    """
    in_cluster = [dep for dep in plan.dependencies if dep.external is None]
    external = [dep.external for dep in plan.dependencies if dep.external is not None]
    files = _in_cluster_files(plan, in_cluster)
    if plan.autoscaling is not None:
        files["hpa.yaml"] = dump(scaling.hpa(plan, plan.autoscaling))
    budgets = [
        scaling.pdb(plan, process)
        for process in plan.processes
        if (plan.prod_min_replicas if process.http else process.replicas) > 1
    ]
    if budgets:
        files["pdb.yaml"] = dump(*budgets)
    if plan.dependencies:
        files["networkpolicy.yaml"] = dump(
            network.allow_dependency_egress(plan, in_cluster, external)
        )
    if plan.ingress is not None:
        files["ingress.yaml"] = _ingress_file(plan, plan.ingress.prod_host)
    if plan.external_secret_store is not None:
        files["externalsecret.yaml"] = dump(
            config.external_secret(plan, plan.external_secret_store)
        )
    endpoints = [dep.external or Endpoint(dep.name, dep.port) for dep in plan.dependencies]
    patches, literals = _overlay_patches(plan, plan.prod_env, endpoints)
    web = pod.workload_name(plan, plan.web)
    replicas: list[Manifest] = []
    if plan.autoscaling is not None:
        # The HPA owns the count: a replicas field would reset it on every apply.
        patches.append(
            {
                "target": {"kind": "Deployment", "name": web},
                "patch": dump_ops([{"op": "remove", "path": "/spec/replicas"}]),
            }
        )
    else:
        replicas.append({"name": web, "count": plan.replicas})
    replicas += [
        {"name": pod.workload_name(plan, process), "count": process.replicas}
        for process in plan.processes
        if not process.http
    ]
    files["kustomization.yaml"] = dump(
        _kustomization(
            plan,
            [BASE_PATH, *files],
            configMapGenerator=_merge_generator(plan, literals),
            replicas=replicas,
            patches=patches,
        )
    )
    return files


def render_plan(plan: Plan) -> dict[str, str]:
    """Every file of the tree, keyed by its path relative to the project."""
    files: dict[str, str] = {}
    for folder, produced in (
        ("base", base_files(plan)),
        ("overlays/dev", dev_files(plan)),
        ("overlays/prod", prod_files(plan)),
    ):
        for name, text in produced.items():
            files[f"{ROOT}/{folder}/{name}"] = text
    return files
