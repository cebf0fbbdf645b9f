"""In-cluster backing services: one single-replica StatefulSet + Service per dependency.

The dev overlay runs every backing service this way; the prod overlay only those the spec names
no production host for.

Image, port, env, command, health command, data path and resources all come from the catalogue
(through the plan), the same entry compose and CI read, so the laptop cluster runs the same servers.
The Service is named after the spec's service, which is the host the app's settings name.
"""

from __future__ import annotations

import re

from . import _pod as pod
from ._plan import Dependency, Plan
from ._workloads import checkov_skips, secret_name
from ._yaml import Manifest

_REF = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")
# Server health commands start a client (a JVM for Kafka and Neo4j): give them time.
PROBE_PERIOD_S = 10
PROBE_TIMEOUT_S = 10
IN_CLUSTER = "in-cluster backing server from its official image"


def skips(dep: Dependency) -> dict[str, str]:
    """The checkov exceptions a dev backing server needs, each with its reason."""
    pairs = [
        ("CKV_K8S_43", f"{IN_CLUSTER}; pinned by tag in the catalogue"),
        ("CKV_K8S_40", f"{IN_CLUSTER}; runs as the image's own non-root UID, below 10000"),
        ("CKV_K8S_22", f"{IN_CLUSTER}; it writes config and run files outside its data volume"),
    ]
    if any(_REF.search(value) for _, value in dep.server_env):
        pairs.append(("CKV_K8S_35", f"{IN_CLUSTER}; the image reads its password from the env"))
    return checkov_skips(*pairs)


def kubernetes_refs(value: str) -> str:
    """``${NAME}`` (the catalogue's secret reference) as Kubernetes' ``$(NAME)`` expansion."""
    return _REF.sub(r"$(\1)", value)


def env_list(plan: Plan, values: tuple[tuple[str, str], ...]) -> list[Manifest]:
    """Env entries: each referenced secret declared from the Secret first, then the values.

    A value that is exactly ``${NAME}`` becomes a ``secretKeyRef`` under its own name; any other
    value keeps ``$(NAME)`` references, which Kubernetes expands from the earlier entries.
    """
    declared: list[str] = []
    plain: list[Manifest] = []
    direct: list[Manifest] = []
    for key, value in values:
        whole = _REF.fullmatch(value)
        if whole is not None:
            direct.append(
                {
                    "name": key,
                    "valueFrom": {
                        "secretKeyRef": {"name": secret_name(plan), "key": whole.group(1)}
                    },
                }
            )
            declared.append(key)
            continue
        plain.append({"name": key, "value": kubernetes_refs(value)})
    needed = [
        name for _, value in values if _REF.fullmatch(value) is None for name in _REF.findall(value)
    ]
    extra: list[Manifest] = []
    for name in dict.fromkeys(needed):
        if name not in declared:
            extra.append(
                {
                    "name": name,
                    "valueFrom": {"secretKeyRef": {"name": secret_name(plan), "key": name}},
                }
            )
            declared.append(name)
    return direct + extra + plain


def selector(plan: Plan, dep: Dependency) -> dict[str, str]:
    return {"app.kubernetes.io/name": dep.name, "app.kubernetes.io/part-of": plan.app}


def _labels(plan: Plan, dep: Dependency) -> dict[str, str]:
    return {
        **selector(plan, dep),
        "app.kubernetes.io/component": dep.kind,
        "app.kubernetes.io/managed-by": pod.MANAGED_BY,
    }


def service(plan: Plan, dep: Dependency) -> Manifest:
    """ClusterIP Service named after the dependency: the host the dev settings point at."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": dep.name, "namespace": plan.namespace, "labels": _labels(plan, dep)},
        "spec": {
            "type": "ClusterIP",
            "selector": selector(plan, dep),
            "ports": [
                {"name": dep.kind, "port": dep.port, "targetPort": dep.port, "protocol": "TCP"}
            ],
        },
    }


def statefulset(plan: Plan, dep: Dependency) -> Manifest:
    """One replica of the catalogue's server, its data on a PVC, probed by its health command."""
    probe: Manifest = {
        "exec": {"command": list(dep.health_command)},
        "periodSeconds": PROBE_PERIOD_S,
        "timeoutSeconds": PROBE_TIMEOUT_S,
        "failureThreshold": 3,
    }
    container: Manifest = {
        "name": dep.kind,
        "image": dep.image,
        "imagePullPolicy": "Always",
    }
    if dep.command is not None:
        container["command"] = list(dep.command)
    container["ports"] = [{"name": dep.kind, "containerPort": dep.port, "protocol": "TCP"}]
    container["env"] = env_list(plan, dep.server_env)
    container["resources"] = {
        "requests": {"cpu": dep.resources.cpu_request, "memory": dep.resources.memory_request},
        "limits": {"cpu": dep.resources.cpu_limit, "memory": dep.resources.memory_limit},
    }
    container["startupProbe"] = {
        **probe,
        "periodSeconds": 5,
        "failureThreshold": max(1, dep.start_period_s // 5) * 3,
    }
    # liveness only asks "is the server listening?"; readiness runs the real health command, so
    # a slow query makes the pod unready instead of restarting it
    container["livenessProbe"] = {
        "tcpSocket": {"port": dep.port},
        "periodSeconds": PROBE_PERIOD_S,
        "timeoutSeconds": PROBE_TIMEOUT_S,
        "failureThreshold": 3,
    }
    container["readinessProbe"] = probe
    container["securityContext"] = pod.container_security_context(
        dep.run_as_user, dep.run_as_user, read_only_root=False
    )
    claims: list[Manifest] = []
    if dep.data_path is not None:
        container["volumeMounts"] = [{"name": "data", "mountPath": dep.data_path}]
        claims.append(
            {
                "metadata": {"name": "data"},
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": dep.storage}},
                },
            }
        )
    pod_spec: Manifest = {
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "securityContext": pod.pod_security_context(dep.run_as_user, dep.run_as_user),
        "containers": [container],
    }
    spec: Manifest = {
        "serviceName": dep.name,
        "replicas": 1,
        "selector": {"matchLabels": selector(plan, dep)},
        "template": {"metadata": {"labels": _labels(plan, dep)}, "spec": pod_spec},
    }
    if claims:
        spec["volumeClaimTemplates"] = claims
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {
            "name": dep.name,
            "namespace": plan.namespace,
            "labels": _labels(plan, dep),
            "annotations": skips(dep),
        },
        "spec": spec,
    }
