"""Pod templates for the app's own processes: identity, probes, volumes, lifecycle.

Every value that must agree with the runtime or the image comes from :mod:`prodready._contract`
(probe paths, timeouts, UID/GID, HOME, multiprocess dir, shutdown timings), so the manifests cannot
drift from the health endpoints or the Dockerfile.
"""

from __future__ import annotations

from prodready import _contract as contract

from ._plan import Plan, Process
from ._yaml import Manifest

MANAGED_BY = "prodready"
# The release pins the app image by digest (immutable), so a cached copy is exactly right; the dev
# overlay runs the locally built ``NAME:local`` image, which no registry has.
APP_PULL_POLICY = "IfNotPresent"
# preStop pause: kube-proxy and the ingress controller drop the pod from their endpoints while the
# process still serves; only then does SIGTERM start the runtime's own drain + graceful shutdown.
PRESTOP_SLEEP_S = 5
# Readiness may fail this many times in a row before the pod leaves the Service endpoints.
READINESS_FAILURE_THRESHOLD = 3
LIVENESS_FAILURE_THRESHOLD = 3
TMP_SIZE = "256Mi"
HOME_SIZE = "1Gi"
MULTIPROC_SIZE = "64Mi"
# Seconds between the end of the graceful timeout and SIGKILL: room for atexit handlers.
GRACE_MARGIN_S = 5


def shutdown_budget_s(plan: Plan) -> float:
    """Seconds a pod may need from the preStop hook to exit: pause + drain + graceful timeout."""
    return PRESTOP_SLEEP_S + contract.DRAIN_DELAY_S + plan.graceful_timeout_s


def termination_grace_period_s(plan: Plan) -> int:
    """The contract's grace period, raised when the spec's graceful timeout needs more.

    Kubernetes counts it from the start of the preStop hook and kills with SIGKILL when it runs
    out, so it must exceed :func:`shutdown_budget_s` or in-flight requests are cut off.
    """
    needed = int(shutdown_budget_s(plan)) + GRACE_MARGIN_S
    return max(contract.TERMINATION_GRACE_PERIOD_S, needed)


def component(process: Process) -> str:
    """``app.kubernetes.io/component`` of a process: ``web`` or the process name."""
    return process.name


def workload_name(plan: Plan, process: Process) -> str:
    """The web Deployment is named after the app; other processes get ``<app>-<process>``."""
    return plan.app if process.http else f"{plan.app}-{process.name}"


def selector_labels(plan: Plan, part: str) -> dict[str, str]:
    """The immutable selector: app name + component (never the version)."""
    return {"app.kubernetes.io/name": plan.app, "app.kubernetes.io/component": part}


def labels(plan: Plan, part: str) -> dict[str, str]:
    """Selector labels plus the ``part-of`` and ``managed-by`` labels every object carries."""
    return {
        **selector_labels(plan, part),
        "app.kubernetes.io/part-of": plan.app,
        "app.kubernetes.io/managed-by": MANAGED_BY,
    }


def metadata(plan: Plan, name: str, part: str, **extra: object) -> Manifest:
    """``metadata`` with name, namespace and labels (kustomize's ``namespace`` repeats it)."""
    meta: Manifest = {"name": name, "namespace": plan.namespace, "labels": labels(plan, part)}
    meta.update(extra)
    return meta


def pod_security_context(uid: int, gid: int) -> Manifest:
    """Pod-level context that satisfies the ``restricted`` Pod Security Standard.

    ``runAsUser``/``fsGroup`` are the image's numeric UID/GID so files the image owns stay writable
    where they should be, and ``runAsNonRoot`` can be verified by the kubelet (numeric user).
    """
    return {
        "runAsNonRoot": True,
        "runAsUser": uid,
        "runAsGroup": gid,
        "fsGroup": gid,
        "fsGroupChangePolicy": "OnRootMismatch",
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def container_security_context(uid: int, gid: int, *, read_only_root: bool = True) -> Manifest:
    """Container-level context: no privilege escalation, every capability dropped."""
    return {
        "runAsNonRoot": True,
        "runAsUser": uid,
        "runAsGroup": gid,
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": read_only_root,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def http_probe(plan: Plan, path: str, port: str, *, period: int, failures: int) -> Manifest:
    """An HTTP GET probe whose timeout exceeds the runtime's check timeout."""
    return {
        "httpGet": {"path": path, "port": port, "scheme": "HTTP"},
        "periodSeconds": period,
        "timeoutSeconds": plan.probes.timeout_s,
        "successThreshold": 1,
        "failureThreshold": failures,
    }


def http_probes(plan: Plan, port: str) -> Manifest:
    """Startup, liveness and readiness on the spec's paths (the runtime contract's by default).

    Liveness uses the dependency-free path only: a database outage makes pods unready (they leave
    the Service) but never restarts them. Startup gives slow imports (models, caches)
    ``startup_failure_threshold`` x period before liveness takes over. Readiness polls at the
    runtime's refresh interval: faster polls would only read the same cached result.
    """
    probes = plan.probes
    return {
        "startupProbe": http_probe(
            plan,
            probes.startup,
            port,
            period=probes.period_s,
            failures=probes.startup_failure_threshold,
        ),
        "livenessProbe": http_probe(
            plan, probes.liveness, port, period=probes.period_s, failures=LIVENESS_FAILURE_THRESHOLD
        ),
        "readinessProbe": http_probe(
            plan,
            probes.readiness,
            port,
            period=int(contract.REFRESH_INTERVAL_S),
            failures=READINESS_FAILURE_THRESHOLD,
        ),
    }


def resources(process: Process) -> Manifest:
    """Requests and limits; the HPA's utilisation targets are percentages of the requests."""
    r = process.resources
    return {
        "requests": {"cpu": r.cpu_request, "memory": r.memory_request},
        "limits": {"cpu": r.cpu_limit, "memory": r.memory_limit},
    }


def scratch_volumes(plan: Plan) -> tuple[list[Manifest], list[Manifest]]:
    """emptyDir volumes and mounts a read-only root filesystem needs.

    ``/tmp``, the Prometheus multiprocess directory and ``$HOME`` (which holds ``$XDG_CACHE_HOME``):
    libraries write config and caches there at run time. When the image bakes files into HOME
    (models in the cache, ``build.run`` output), :func:`seed_home_container` copies them into the
    volume before the app starts, so HOME is writable *and* holds the baked files; the volume then
    has no size limit, since only the spec's build knows how large they are.
    """
    home: Manifest = {} if plan.cache_baked else {"sizeLimit": HOME_SIZE}
    entries: list[tuple[str, str, Manifest]] = [
        ("tmp", "/tmp", {"sizeLimit": TMP_SIZE}),  # noqa: S108 - an emptyDir, not the host's /tmp
        (
            "prometheus-multiproc",
            contract.PROMETHEUS_MULTIPROC_DIR,
            {"medium": "Memory", "sizeLimit": MULTIPROC_SIZE},
        ),
        (HOME_VOLUME, plan.home, home),
    ]
    volumes = [{"name": name, "emptyDir": spec} for name, _, spec in entries]
    mounts = [{"name": name, "mountPath": path} for name, path, _ in entries]
    return volumes, mounts


HOME_VOLUME = "home"
SEED_MOUNT = "/seed"
SEED_SCRIPT = "import shutil, sys; shutil.copytree(sys.argv[1], sys.argv[2], dirs_exist_ok=True)"


def seed_home_container(plan: Plan, image: str, resources_: Manifest) -> Manifest:
    """An init container that copies the image's baked HOME (cache included) into the volume.

    It mounts the volume elsewhere (``/seed``), so it still sees the files the image baked under
    ``$HOME``. This is the seed-004 fix made structural: models are built into the image, never
    downloaded at start-up, and HOME stays writable under a read-only root.
    """
    return {
        "name": "seed-home",
        "image": image,
        "imagePullPolicy": APP_PULL_POLICY,
        "command": ["python", "-c", SEED_SCRIPT, plan.home, SEED_MOUNT],
        "resources": resources_,
        "securityContext": container_security_context(plan.uid, plan.gid),
        "volumeMounts": [{"name": HOME_VOLUME, "mountPath": SEED_MOUNT}],
    }


def base_env(plan: Plan) -> list[Manifest]:
    """Env every app container gets: HOME, the cache and the multiprocess directory.

    The worker count is not here: the image's command carries it, derived from the same CPU limit
    this container's ``resources`` set.
    """
    return [
        {"name": "HOME", "value": plan.home},
        {"name": "XDG_CACHE_HOME", "value": plan.cache_dir},
        {"name": "PROMETHEUS_MULTIPROC_DIR", "value": contract.PROMETHEUS_MULTIPROC_DIR},
    ]
