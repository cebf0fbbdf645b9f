"""The app's workloads: one Deployment per process and the once-per-release migration Job."""

from __future__ import annotations

from . import _pod as pod
from ._plan import Plan, Process
from ._yaml import Manifest

CONFIG_NAME_SUFFIX = "-config"
# The migration Job is deleted this long after it finished, so the next release can create it again.
JOB_TTL_S = 3600
JOB_DEADLINE_S = 900
# Retries with exponential back-off (10 s, 20 s, 40 s …): enough to outlast a database that is
# still starting (the dev overlay starts both at once).
JOB_BACKOFF_LIMIT = 6
CHECKOV_DIGEST_REASON = (
    "the image tag is set per release with `kustomize edit set image`; pin a digest there"
)


def config_name(plan: Plan) -> str:
    """The ConfigMap (non-secret settings) every app container reads with ``envFrom``."""
    return f"{plan.app}{CONFIG_NAME_SUFFIX}"


def secret_name(plan: Plan) -> str:
    """The Secret created out of band (or by the ExternalSecret); never written with values."""
    return f"{plan.app}-secrets"


def checkov_skips(*pairs: tuple[str, str]) -> dict[str, str]:
    """``checkov.io/skipN`` annotations: each deliberate exception carries its reason."""
    return {
        f"checkov.io/skip{i}": f"{check}={reason}" for i, (check, reason) in enumerate(pairs, 1)
    }


SECRETS_AS_ENV_REASON = (
    "the app reads settings from its environment (12-factor); values come from the Secret by key"
)
PULL_POLICY_REASON = (
    "the release pins the image by digest, so IfNotPresent is exact; dev runs the local build"
)
NO_HTTP_REASON = "a queue worker serves no HTTP; Kubernetes restarts it when its process exits"


def app_skips(plan: Plan, process: Process | None) -> dict[str, str]:
    """The checkov exceptions an app workload needs, and only those (each with its reason)."""
    pairs = [("CKV_K8S_43", CHECKOV_DIGEST_REASON), ("CKV_K8S_15", PULL_POLICY_REASON)]
    if plan.app_secrets:
        pairs.append(("CKV_K8S_35", SECRETS_AS_ENV_REASON))
    if process is not None and not process.http:
        pairs += [("CKV_K8S_8", NO_HTTP_REASON), ("CKV_K8S_9", NO_HTTP_REASON)]
    return checkov_skips(*pairs)


CONTAINER = "app"


def secret_env(plan: Plan, names: tuple[str, ...]) -> list[Manifest]:
    """Declare each secret from its own Secret key (least privilege: only the keys it reads)."""
    return [
        {"name": name, "valueFrom": {"secretKeyRef": {"name": secret_name(plan), "key": name}}}
        for name in names
    ]


def app_container(plan: Plan, process: Process, *, command: tuple[str, ...] | None) -> Manifest:
    """The app container: image, env, resources, hardening and the scratch mounts.

    Settings come from the ConfigMap; secrets are declared one by one from the Secret, before the
    overlay appends the connection URLs that reference them as ``$(NAME)``.
    """
    _, mounts = pod.scratch_volumes(plan)
    container: Manifest = {
        "name": CONTAINER,
        "image": plan.image,
        "imagePullPolicy": pod.APP_PULL_POLICY,
    }
    if command is not None:
        container["command"] = list(command)
    container["env"] = pod.base_env(plan) + secret_env(plan, plan.app_secrets)
    container["envFrom"] = [{"configMapRef": {"name": config_name(plan)}}]
    container["resources"] = pod.resources(process)
    container["securityContext"] = pod.container_security_context(plan.uid, plan.gid)
    container["volumeMounts"] = mounts
    return container


WAIT_CONTAINER = "wait-for-dependencies"
INIT_RESOURCES: Manifest = {
    "requests": {"cpu": "50m", "memory": "64Mi"},
    "limits": {"cpu": "500m", "memory": "128Mi"},
}
# Connect to every host:port given as an argument, retrying until each accepts or 5 minutes pass.
WAIT_SCRIPT = """\
import socket, sys, time
deadline = time.monotonic() + 300
for target in sys.argv[1:]:
    host, _, port = target.rpartition(":")
    while True:
        try:
            socket.create_connection((host, int(port)), timeout=2).close()
            break
        except OSError as exc:
            if time.monotonic() > deadline:
                sys.exit(f"{target} unreachable: {exc}")
            time.sleep(2)
"""


def wait_for_dependencies(plan: Plan) -> Manifest:
    """An init container that blocks until every dependency accepts TCP connections.

    It runs the app image's own Python (no extra image, no shell). The base gives it no targets;
    each overlay adds the ``host:port`` list it points the app at, so it waits for exactly those.
    """
    return {
        "name": WAIT_CONTAINER,
        "image": plan.image,
        "imagePullPolicy": pod.APP_PULL_POLICY,
        "command": ["python", "-c", WAIT_SCRIPT],
        "args": [],
        "resources": INIT_RESOURCES,
        "securityContext": pod.container_security_context(plan.uid, plan.gid),
    }


def pod_spec(plan: Plan, process: Process, *, containers: list[Manifest]) -> Manifest:
    """Pod spec shared by Deployments and the Job: identity, no token, no service links."""
    volumes, _ = pod.scratch_volumes(plan)
    spec: Manifest = {
        "serviceAccountName": plan.app,
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "securityContext": pod.pod_security_context(plan.uid, plan.gid),
    }
    init: list[Manifest] = []
    # wait-for first: the overlays patch its arguments at index 0
    if plan.wait_for_dependencies and plan.dependencies:
        init.append(wait_for_dependencies(plan))
    if plan.cache_baked:
        init.append(pod.seed_home_container(plan, plan.image, INIT_RESOURCES))
    if init:
        spec["initContainers"] = init
    spec["containers"] = containers
    spec["volumes"] = volumes
    return spec


def deployment(plan: Plan, process: Process) -> Manifest:
    """A Deployment for one process.

    RollingUpdate 1/0 never removes a serving pod before its replacement is ready. The preStop pause
    plus the runtime's drain and graceful timeout fit inside ``terminationGracePeriodSeconds``, so
    in-flight requests finish during rollouts. Topology spread keeps replicas on different nodes and
    zones when it can. Declared volumes are mounted into the web pods only.
    """
    part = pod.component(process)
    container = app_container(plan, process, command=process.command)
    if process.http:
        container["ports"] = [{"name": "http", "containerPort": plan.port, "protocol": "TCP"}]
        container.update(pod.http_probes(plan, "http"))
    container["lifecycle"] = {"preStop": {"sleep": {"seconds": pod.PRESTOP_SLEEP_S}}}
    if process.http:
        container["volumeMounts"] += [
            {"name": f"data-{volume.name}", "mountPath": volume.mount_path}
            for volume in plan.volumes
        ]
    ordered = {key: container[key] for key in _CONTAINER_ORDER if key in container}
    spec = pod_spec(plan, process, containers=[ordered])
    if process.http:
        spec["volumes"] += [
            {
                "name": f"data-{volume.name}",
                "persistentVolumeClaim": {"claimName": pvc_name(plan, volume.name)},
            }
            for volume in plan.volumes
        ]
    spec["terminationGracePeriodSeconds"] = pod.termination_grace_period_s(plan)
    selector = pod.selector_labels(plan, part)
    spec["topologySpreadConstraints"] = [
        {
            "maxSkew": 1,
            "topologyKey": key,
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": selector},
            "matchLabelKeys": ["pod-template-hash"],
        }
        for key in ("kubernetes.io/hostname", "topology.kubernetes.io/zone")
    ]
    template_meta: Manifest = {"labels": pod.labels(plan, part)}
    if process.http:
        template_meta["annotations"] = {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(plan.port),
            "prometheus.io/path": plan.metrics_path,
        }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": pod.metadata(
            plan, pod.workload_name(plan, process), part, annotations=app_skips(plan, process)
        ),
        "spec": {
            # one pod per process in the base and dev; the prod overlay sets the real count
            "replicas": 1,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
            },
            "template": {"metadata": template_meta, "spec": spec},
        },
    }


def pvc_name(plan: Plan, volume: str) -> str:
    """The PVC of a declared volume."""
    return f"{plan.app}-{volume}"


def pvc(plan: Plan, name: str, size: str) -> Manifest:
    """A ReadWriteOnce claim on the cluster's default StorageClass."""
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": pod.metadata(plan, pvc_name(plan, name), "storage"),
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}},
    }


_CONTAINER_ORDER = (
    "name",
    "image",
    "imagePullPolicy",
    "command",
    "ports",
    "env",
    "envFrom",
    "resources",
    "startupProbe",
    "livenessProbe",
    "readinessProbe",
    "lifecycle",
    "securityContext",
    "volumeMounts",
)


def migration_job(plan: Plan, command: tuple[str, ...]) -> Manifest:
    """The schema migration, run once per release by one pod, never by every replica.

    Job templates are immutable: the release step deletes the finished Job (or lets the TTL do it)
    and applies again, so each release runs the migration exactly once. Argo CD runs it as a
    PreSync hook with the annotations below.
    """
    process = plan.web
    migrate = Process(
        name="migrate",
        command=command,
        http=False,
        resources=process.resources,
    )
    container = app_container(plan, migrate, command=command)
    spec = pod_spec(plan, migrate, containers=[container])
    spec["restartPolicy"] = "Never"
    annotations = {
        **app_skips(plan, None),
        "argocd.argoproj.io/hook": "PreSync",
        "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation",
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": pod.metadata(plan, f"{plan.app}-migrate", "migrate", annotations=annotations),
        "spec": {
            "backoffLimit": JOB_BACKOFF_LIMIT,
            "activeDeadlineSeconds": JOB_DEADLINE_S,
            "ttlSecondsAfterFinished": JOB_TTL_S,
            "template": {"metadata": {"labels": pod.labels(plan, "migrate")}, "spec": spec},
        },
    }
