"""kustomize's field specs: where labels, annotations and name references live in each kind.

:func:`walk_spec` follows one spec through a resource (through every item of a list, creating
missing mappings where kustomize creates them); :func:`apply_specs` sets labels or annotations
through a set of specs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prodready.lint.loaders._kustomize._kustomization import Kustomization
from prodready.lint.loaders._kustomize._nodes import new_list, new_map, set_key
from prodready.lint.loaders._kustomize._resources import Res, split_gv
from prodready.lint.loaders._kustomize._unsupported import Unsupported


@dataclass(frozen=True)
class FieldSpec:
    path: str
    kind: str = ""
    group: str | None = None
    version: str | None = None
    create: bool = False

    def applies(self, api_version: str, kind: str) -> bool:
        group, version = split_gv(api_version)
        return (
            (not self.kind or self.kind == kind)
            and (self.group is None or self.group == group)
            and (self.version is None or self.version == version)
        )

    def parts(self) -> list[str]:
        parts: list[str] = []
        for piece in self.path.split("/"):
            if parts and parts[-1].endswith("\\"):
                parts[-1] = parts[-1][:-1] + "/" + piece
            else:
                parts.append(piece)
        return parts


def _specs(text: str) -> tuple[FieldSpec, ...]:
    """``path kind [group=g] [version=v] [create]`` per line."""
    result = []
    for line in text.strip().splitlines():
        words = line.split()
        options = dict(w.split("=", 1) for w in words[2:] if "=" in w)
        result.append(
            FieldSpec(
                path=words[0],
                kind="" if words[1] == "*" else words[1],
                group=options.get("group"),
                version=options.get("version"),
                create="create" in words[2:],
            )
        )
    return tuple(result)


METADATA_LABELS = _specs(
    """
    metadata/labels * create
    spec/template/metadata/labels ReplicationController version=v1 create
    spec/template/metadata/labels Deployment create
    spec/template/metadata/labels ReplicaSet create
    spec/template/metadata/labels DaemonSet create
    spec/template/metadata/labels StatefulSet group=apps create
    spec/volumeClaimTemplates[]/metadata/labels StatefulSet group=apps create
    spec/template/metadata/labels Job group=batch create
    spec/jobTemplate/metadata/labels CronJob group=batch create
    spec/jobTemplate/spec/template/metadata/labels CronJob group=batch create
    """
)
_AFFINITY = (
    "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/"
    "podAffinityTerm/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/"
    "labelSelector/matchLabels",
    "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/"
    "podAffinityTerm/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/"
    "labelSelector/matchLabels",
    "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
)
COMMON_LABELS = (
    *_specs(
        """
        spec/selector Service version=v1 create
        spec/selector ReplicationController version=v1 create
        spec/selector/matchLabels Deployment create
        spec/selector/matchLabels ReplicaSet create
        spec/selector/matchLabels DaemonSet create
        spec/selector/matchLabels StatefulSet group=apps create
        spec/volumeClaimTemplates[]/metadata/labels StatefulSet group=apps create
        spec/selector/matchLabels Job group=batch
        spec/jobTemplate/spec/selector/matchLabels CronJob group=batch
        spec/selector/matchLabels PodDisruptionBudget group=policy
        spec/podSelector/matchLabels NetworkPolicy group=networking.k8s.io
        spec/ingress/from/podSelector/matchLabels NetworkPolicy group=networking.k8s.io
        spec/egress/to/podSelector/matchLabels NetworkPolicy group=networking.k8s.io
        """
    ),
    *(FieldSpec(p, k, group="apps") for k in ("Deployment", "StatefulSet") for p in _AFFINITY),
    *METADATA_LABELS,
)
COMMON_ANNOTATIONS = _specs(
    """
    metadata/annotations * create
    spec/template/metadata/annotations ReplicationController version=v1 create
    spec/template/metadata/annotations Deployment create
    spec/template/metadata/annotations ReplicaSet create
    spec/template/metadata/annotations DaemonSet create
    spec/template/metadata/annotations StatefulSet create
    spec/template/metadata/annotations Job group=batch create
    spec/jobTemplate/metadata/annotations CronJob group=batch create
    spec/jobTemplate/spec/template/metadata/annotations CronJob group=batch create
    """
)
_WORKLOAD_REFS = (
    ("Deployment", "spec/template/spec"),
    ("ReplicaSet", "spec/template/spec"),
    ("DaemonSet", "spec/template/spec"),
    ("StatefulSet", "spec/template/spec"),
    ("Job", "spec/template/spec"),
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
)


def ref_specs(kind: str) -> tuple[FieldSpec, ...]:
    """kustomize's nameReference field specs for a ConfigMap or Secret referral."""
    pod: tuple[str, ...]
    if kind == "ConfigMap":
        pod = (
            "volumes/configMap/name",
            "containers/env/valueFrom/configMapKeyRef/name",
            "initContainers/env/valueFrom/configMapKeyRef/name",
            "containers/envFrom/configMapRef/name",
            "initContainers/envFrom/configMapRef/name",
            "volumes/projected/sources/configMap/name",
        )
        extra = _specs(
            """
            spec/configSource/configMap Node
            rules/resourceNames Role
            rules/resourceNames ClusterRole
            metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap Ingress
            """
        )
    else:
        pod = (
            "volumes/secret/secretName",
            "containers/env/valueFrom/secretKeyRef/name",
            "initContainers/env/valueFrom/secretKeyRef/name",
            "containers/envFrom/secretRef/name",
            "initContainers/envFrom/secretRef/name",
            "imagePullSecrets/name",
            "volumes/projected/sources/secret/name",
        )
        extra = _specs(
            """
            spec/tls/secretName Ingress
            metadata/annotations/ingress.kubernetes.io\\/auth-secret Ingress
            metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret Ingress
            metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret Ingress
            imagePullSecrets/name ServiceAccount
            parameters/secretName StorageClass
            parameters/adminSecretName StorageClass
            parameters/userSecretName StorageClass
            parameters/secretRef StorageClass
            rules/resourceNames Role
            rules/resourceNames ClusterRole
            spec/template/spec/containers/env/valueFrom/secretKeyRef/name Service group=serving.knative.dev version=v1
            spec/azureFile/secretName PersistentVolume
            """  # noqa: E501 -- one field spec per line
        )
    specs = [FieldSpec(f"spec/{p}", "Pod", version="v1") for p in pod]
    specs += [FieldSpec(f"template/spec/{p}", "PodTemplate") for p in pod]
    for workload, prefix in _WORKLOAD_REFS:
        specs += [FieldSpec(f"{prefix}/{p}", workload) for p in pod]
    return (*specs, *extra)


def walk_spec(
    node: Any,
    parts: list[str],
    visit: Callable[[Any], None],
    *,
    create: bool,
    where: str,
) -> None:
    """kustomize's fieldspec filter: follow ``parts`` (through every item of a list), creating
    missing mappings when ``create``, and call ``visit`` on what the path names."""
    if isinstance(node, list):
        for item in list(node):
            walk_spec(item, parts, visit, create=create, where=where)
        return
    if not parts:
        visit(node)
        return
    if not isinstance(node, dict):
        raise Unsupported("a field spec path through a plain value", where)
    name = parts[0]
    sequence = name.endswith("[]")
    name = name.removesuffix("[]")
    if name not in node:
        if not create or sequence:
            return
        set_key(node, name, new_map(getattr(node, "path", ""), getattr(node, "line", 0)))
    value = node[name]
    if value is None:
        if not create and not sequence:
            raise Unsupported("a field spec path through a null", where)
        value = (
            new_list(getattr(node, "path", ""), getattr(node, "line", 0))
            if sequence
            else new_map(getattr(node, "path", ""), getattr(node, "line", 0))
        )
        set_key(node, name, value)
    walk_spec(value, parts[1:], visit, create=create, where=where)


def _set_entries(entries: dict[str, str], where: str) -> Callable[[Any], None]:
    def visit(node: Any) -> None:
        if not isinstance(node, dict):
            raise Unsupported("labels or annotations that are not a mapping", where)
        for key in sorted(entries):
            set_key(node, key, entries[key])

    return visit


def apply_specs(
    acc: list[Res], specs: tuple[FieldSpec, ...], entries: dict[str, str], k: Kustomization
) -> None:
    for res in acc:
        for spec in specs:
            if spec.applies(res.api_version, res.kind):
                walk_spec(
                    res.doc,
                    spec.parts(),
                    _set_entries(entries, k.shown),
                    create=spec.create,
                    where=k.shown,
                )
