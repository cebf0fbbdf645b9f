"""Kubernetes objects from multi-document YAML files and rendered kustomize directories.

Objects are grouped: the files of one directory form one group, and each kustomize root renders
to one group, so cross-object rules (a Service and the pods it selects) look inside one
application at a time. Objects rendered by ``kubectl kustomize`` are mapped back to the source
file that declares them (same kind and name) so findings still point at a real line.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prodready.lint._model import Location
from prodready.lint.loaders._yaml import YamlError, YList, YMap, as_list, load_all

__all__ = [
    "Container",
    "K8sGroup",
    "K8sObject",
    "Workload",
    "render_kustomize",
]

POD_TEMPLATE_KINDS = frozenset(
    {
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "ReplicationController",
        "Rollout",
    }
)


@dataclass
class K8sObject:
    """One document with ``apiVersion`` and ``kind``; ``source`` is the YAML node for lines."""

    kind: str
    api_version: str
    name: str
    namespace: str | None
    doc: YMap
    source: YMap | None = None
    fallback: Location | None = None

    def at(self, *keys: Any) -> Location:
        """Location of ``doc[keys…]``; for a rendered object, of the source that declares it.

        List items are matched by their ``name`` when they have one, since kustomize patches may
        insert items and shift indexes.
        """
        if self.source is None and self.fallback is not None:
            return self.fallback
        node: YMap = self.source if self.source is not None else self.doc
        current: Any = node
        rendered: Any = self.doc
        line = node.line
        path = node.path  # a rendered node may come from another file (a patch)
        for key in keys:
            if isinstance(current, YMap) and key in current:
                line = current.line_of(key)
                path = current.path or path
                current = current[key]
                rendered = rendered.get(key) if isinstance(rendered, dict) else None
            elif isinstance(current, YList) and isinstance(key, int):
                item = rendered[key] if isinstance(rendered, list) and key < len(rendered) else None
                index = key
                if isinstance(item, dict) and "name" in item:
                    index = next(
                        (
                            i
                            for i, c in enumerate(current)
                            if isinstance(c, dict) and c.get("name") == item["name"]
                        ),
                        -1,
                    )
                if not 0 <= index < len(current):
                    break
                line = current.line_of(index)
                path = current.path or path
                current = current[index]
                rendered = item
            else:
                break
        return Location(path, line)

    @property
    def labels(self) -> dict[str, str]:
        meta = self.doc.get("metadata")
        labels = meta.get("labels") if isinstance(meta, dict) else None
        return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}

    @property
    def annotations(self) -> dict[str, str]:
        meta = self.doc.get("metadata")
        ann = meta.get("annotations") if isinstance(meta, dict) else None
        return {str(k): str(v) for k, v in ann.items()} if isinstance(ann, dict) else {}

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.doc.get("spec")
        return spec if isinstance(spec, dict) else {}


@dataclass
class Container:
    """A container of a workload with the key path that reaches it (for locations)."""

    workload: Workload
    node: dict[str, Any]
    keys: tuple[Any, ...]
    init: bool = False

    @property
    def name(self) -> str:
        return str(self.node.get("name", ""))

    @property
    def image(self) -> str:
        return str(self.node.get("image", ""))

    def at(self, *keys: Any) -> Location:
        return self.workload.obj.at(*self.keys, *keys)

    def get(self, *keys: Any) -> Any:
        current: Any = self.node
        for key in keys:
            if not isinstance(current, dict) or key not in current:
                return None
            current = current[key]
        return current

    def security(self, key: str) -> Any:
        """``securityContext.key`` of the container, else of the pod (where the pod has it)."""
        own = self.get("securityContext", key)
        if own is not None:
            return own
        pod = self.workload.pod_spec.get("securityContext")
        return pod.get(key) if isinstance(pod, dict) else None

    def ports(self) -> dict[int | str, int]:
        """``{containerPort: port, name: port}`` for declared ports."""
        result: dict[int | str, int] = {}
        for port in as_list(self.get("ports")):
            if isinstance(port, dict) and isinstance(port.get("containerPort"), int):
                result[port["containerPort"]] = port["containerPort"]
                if port.get("name"):
                    result[str(port["name"])] = port["containerPort"]
        return result

    def command(self) -> list[str]:
        cmd = as_list(self.get("command"))
        args = as_list(self.get("args"))
        return [str(c) for c in [*cmd, *args]]


@dataclass
class Workload:
    """An object with a pod template (Deployment, StatefulSet, Job, CronJob, Pod, Rollout…)."""

    obj: K8sObject
    template_keys: tuple[Any, ...]
    pod_spec: dict[str, Any]
    pod_labels: dict[str, str]

    @property
    def replicas(self) -> int | None:
        """Explicit ``spec.replicas`` for scalable kinds; ``None`` when unset or not scalable."""
        if self.obj.kind not in {"Deployment", "StatefulSet", "ReplicaSet", "Rollout"}:
            return None
        value = self.obj.spec.get("replicas")
        return value if isinstance(value, int) else None

    def containers(self, *, init: bool = False) -> Iterator[Container]:
        keys = ["containers"] + (["initContainers"] if init else [])
        for key in keys:
            items = self.pod_spec.get(key)
            if isinstance(items, list):
                for i, node in enumerate(items):
                    if isinstance(node, dict):
                        path = (*self.template_keys, "spec", key, i)
                        yield Container(self, node, path, key == "initContainers")


@dataclass
class K8sGroup:
    """The objects of one application: a directory of manifests or one kustomize render."""

    name: str
    objects: list[K8sObject] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[K8sObject]:
        return [o for o in self.objects if o.kind in kinds]

    def find(self, kind: str, name: str, namespace: str | None = None) -> K8sObject | None:
        for o in self.objects:
            if o.kind == kind and o.name == name and _same_ns(o.namespace, namespace):
                return o
        return None

    def workloads(self) -> list[Workload]:
        result = []
        for obj in self.objects:
            w = workload_of(obj)
            if w is not None:
                result.append(w)
        return result


def _same_ns(a: str | None, b: str | None) -> bool:
    return (a or "default") == (b or "default") or a is None or b is None


def workload_of(obj: K8sObject) -> Workload | None:
    """The pod template of ``obj``, or ``None`` when ``obj`` has none."""
    spec = obj.spec
    if obj.kind == "Pod":
        return Workload(obj, (), spec, obj.labels)
    template: Any
    keys: tuple[Any, ...]
    if obj.kind == "CronJob":
        job = spec.get("jobTemplate")
        job_spec = job.get("spec") if isinstance(job, dict) else None
        template = job_spec.get("template") if isinstance(job_spec, dict) else None
        keys = ("spec", "jobTemplate", "spec", "template")
    elif obj.kind in POD_TEMPLATE_KINDS:
        template = spec.get("template")
        keys = ("spec", "template")
    else:
        return None
    if not isinstance(template, dict):
        return None
    pod_spec = template.get("spec")
    meta = template.get("metadata")
    labels = meta.get("labels") if isinstance(meta, dict) else None
    return Workload(
        obj,
        keys,
        pod_spec if isinstance(pod_spec, dict) else {},
        {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {},
    )


def objects_from(doc: Any) -> Iterator[YMap]:
    """Documents that are Kubernetes objects; ``kind: List`` is unpacked."""
    if not isinstance(doc, YMap) or "kind" not in doc or "apiVersion" not in doc:
        return
    if doc.get("kind") == "List" and isinstance(doc.get("items"), list):
        for item in doc["items"]:
            yield from objects_from(item)
        return
    yield doc


def to_object(doc: YMap) -> K8sObject:
    meta = doc.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    ns = meta.get("namespace")
    return K8sObject(
        kind=str(doc.get("kind")),
        api_version=str(doc.get("apiVersion")),
        name=str(meta.get("name", meta.get("generateName", ""))),
        namespace=str(ns) if ns is not None else None,
        doc=doc,
    )


def cache_root() -> Path:
    """Where rendered kustomizations are cached: ``$PRODREADY_CACHE_DIR`` or the XDG cache."""
    explicit = os.environ.get("PRODREADY_CACHE_DIR")
    if explicit:
        return Path(explicit) / "kustomize"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "prodready" / "kustomize"


def _fingerprint(kubectl: str, directory: str, inputs: list[Path]) -> str:
    """A hash of kubectl's binary identity and every file the render can read."""
    digest = hashlib.sha256()
    stat = os.stat(kubectl)
    digest.update(f"{kubectl}|{stat.st_size}|{stat.st_mtime_ns}|{directory}".encode())
    for root in sorted(set(inputs)):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                file = Path(dirpath) / name
                digest.update(str(file).encode())
                try:
                    digest.update(file.read_bytes())
                except OSError:
                    digest.update(b"<unreadable>")
    return digest.hexdigest()


def _run_kubectl(kubectl: str, directory: str) -> tuple[str | None, str | None]:
    try:
        proc = subprocess.run(
            [kubectl, "kustomize", directory],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"kubectl kustomize failed: {exc}"
    if proc.returncode != 0:
        message = proc.stderr.strip().splitlines()
        return None, f"kubectl kustomize failed: {message[-1] if message else 'no output'}"
    return proc.stdout, None


def render_kustomize(
    directory: str,
    shown: str,
    inputs: list[Path] | None = None,
    *,
    cache: bool = True,
    needs: str = "",
) -> tuple[list[YMap] | None, str | None]:
    """``kubectl kustomize DIR`` parsed; ``(None, reason)`` when kubectl is absent or fails.

    With ``cache`` the output is kept under :func:`cache_root`, keyed by a hash of kubectl and of
    every file under ``inputs`` (the kustomization's directory and those it references), so an
    unchanged tree is not rendered twice; any edit changes the key. ``needs`` names what made
    the in-process renderer hand the directory over, for the message when kubectl is missing.
    """
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        why = f" (it needs kubectl for {needs})" if needs else ""
        return None, (
            f"kubectl is not on PATH, so this kustomize directory was not rendered{why}; "
            "install kubectl (it embeds kustomize) to check it"
        )
    cached: Path | None = None
    text: str | None = None
    if cache:
        cached = (
            cache_root() / f"{_fingerprint(kubectl, directory, inputs or [Path(directory)])}.yaml"
        )
        try:
            text = cached.read_text(encoding="utf-8")
        except OSError:
            text = None
    if text is None:
        text, reason = _run_kubectl(kubectl, directory)
        if text is None:
            return None, reason
        if cached is not None:
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                partial = cached.with_suffix(f".{os.getpid()}.tmp")
                partial.write_text(text, encoding="utf-8")
                partial.replace(cached)
            except OSError:
                pass  # a read-only cache only costs speed
    try:
        docs = [d for doc in load_all(text, shown) for d in objects_from(doc)]
    except YamlError as exc:
        return None, f"kubectl kustomize produced invalid YAML: {exc}"
    return docs, None
