"""Resources as kustomize's ResMap holds them.

An id is (apiVersion, kind, name, namespace); ids compare with the namespace made effective,
which needs to know the cluster-scoped types (the Kubernetes 1.21 schema kyaml embeds).
:class:`Res` is one resource of the accumulation with the ids it has had; :func:`check_resource`
refuses what kustomize would not accumulate, and :func:`append` refuses an id already taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prodready.lint.loaders._kustomize._kustomization import Kustomization
from prodready.lint.loaders._kustomize._nodes import Map, metadata_of
from prodready.lint.loaders._kustomize._unsupported import Unsupported

CLUSTER_SCOPED = frozenset(
    {
        ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"),
        ("apiregistration.k8s.io/v1", "APIService"),
        ("apiregistration.k8s.io/v1beta1", "APIService"),
        ("certificates.k8s.io/v1", "CertificateSigningRequest"),
        ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"),
        ("networking.k8s.io/v1", "IngressClass"),
        ("networking.k8s.io/v1beta1", "IngressClass"),
        ("node.k8s.io/v1", "RuntimeClass"),
        ("node.k8s.io/v1beta1", "RuntimeClass"),
        ("policy/v1beta1", "PodSecurityPolicy"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
        ("scheduling.k8s.io/v1", "PriorityClass"),
        ("scheduling.k8s.io/v1beta1", "PriorityClass"),
        ("storage.k8s.io/v1", "CSIDriver"),
        ("storage.k8s.io/v1", "CSINode"),
        ("storage.k8s.io/v1", "StorageClass"),
        ("storage.k8s.io/v1", "VolumeAttachment"),
        ("storage.k8s.io/v1beta1", "CSIDriver"),
        ("storage.k8s.io/v1beta1", "CSINode"),
        ("storage.k8s.io/v1beta1", "StorageClass"),
        ("storage.k8s.io/v1beta1", "VolumeAttachment"),
        ("v1", "ComponentStatus"),
        ("v1", "Namespace"),
        ("v1", "Node"),
        ("v1", "NodeProxyOptions"),
        ("v1", "PersistentVolume"),
    }
)
"""kyaml's precomputed cluster-scoped types (Kubernetes 1.21 schema); others are namespaced."""

NAMESPACED = frozenset(
    {
        ("apps/v1", k)
        for k in ("ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet")
    }
    | {
        ("autoscaling/v1", "HorizontalPodAutoscaler"),
        ("autoscaling/v1", "Scale"),
        ("autoscaling/v2beta1", "HorizontalPodAutoscaler"),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler"),
        ("batch/v1", "CronJob"),
        ("batch/v1", "Job"),
        ("batch/v1beta1", "CronJob"),
        ("coordination.k8s.io/v1", "Lease"),
        ("coordination.k8s.io/v1beta1", "Lease"),
        ("discovery.k8s.io/v1", "EndpointSlice"),
        ("discovery.k8s.io/v1beta1", "EndpointSlice"),
        ("events.k8s.io/v1", "Event"),
        ("events.k8s.io/v1beta1", "Event"),
        ("extensions/v1beta1", "Ingress"),
        ("networking.k8s.io/v1", "Ingress"),
        ("networking.k8s.io/v1", "NetworkPolicy"),
        ("networking.k8s.io/v1beta1", "Ingress"),
        ("policy/v1", "PodDisruptionBudget"),
        ("policy/v1beta1", "PodDisruptionBudget"),
        ("rbac.authorization.k8s.io/v1", "Role"),
        ("rbac.authorization.k8s.io/v1", "RoleBinding"),
        ("rbac.authorization.k8s.io/v1beta1", "Role"),
        ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"),
        ("storage.k8s.io/v1beta1", "CSIStorageCapacity"),
    }
    | {
        ("v1", k)
        for k in (
            "ConfigMap", "Endpoints", "Event", "LimitRange", "PersistentVolumeClaim", "Pod",
            "PodAttachOptions", "PodExecOptions", "PodPortForwardOptions", "PodProxyOptions",
            "PodTemplate", "ReplicationController", "ResourceQuota", "Secret", "Service",
            "ServiceAccount", "ServiceProxyOptions",
        )
    }
)  # fmt: skip
BUILTIN_GROUPS = frozenset(
    {
        "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io",
        "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io",
        "apiextensions.k8s.io", "apiregistration.k8s.io", "certificates.k8s.io",
        "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "node.k8s.io",
        "flowcontrol.apiserver.k8s.io", "scheduling.k8s.io", "authentication.k8s.io",
        "authorization.k8s.io", "internal.apiserver.k8s.io", "resource.k8s.io",
        "storagemigration.k8s.io", "admission.k8s.io", "imagepolicy.k8s.io", "meta.k8s.io",
    }
)  # fmt: skip


def split_gv(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


@dataclass
class Res:
    """One resource of the accumulation, with the ids it has had (``ids[0]`` is the original)."""

    doc: Map
    ids: list[tuple[str, str, str, str]] = field(default_factory=list)
    generated: bool = False
    behavior: str = "create"
    hash: bool = False
    json_patched: bool = False

    @property
    def api_version(self) -> str:
        return str(self.doc.get("apiVersion", ""))

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind", ""))

    @property
    def name(self) -> str:
        return str(metadata_of(self.doc).get("name", ""))

    @property
    def namespace(self) -> str:
        ns = metadata_of(self.doc).get("namespace")
        return ns if isinstance(ns, str) else ""

    def cur_id(self) -> tuple[str, str, str, str]:
        return (self.api_version, self.kind, self.name, self.namespace)

    def all_ids(self) -> list[tuple[str, str, str, str]]:
        return [*self.ids, self.cur_id()]

    def remember(self) -> None:
        """kustomize's StorePreviousId: the current id joins the history when it changes."""
        current = self.cur_id()
        if not self.ids or self.ids[-1] != current:
            self.ids.append(current)


def cluster_scoped(api_version: str, kind: str) -> bool:
    return (api_version, kind) in CLUSTER_SCOPED


def effective_ns(api_version: str, kind: str, ns: str) -> str:
    if cluster_scoped(api_version, kind):
        return "_non_namespaceable_"
    return ns or "default"


def _id_key(i: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    """An id as kustomize compares them: the namespace made effective."""
    return (i[0], i[1], i[2], effective_ns(i[0], i[1], i[3]))


def same_id(a: tuple[str, str, str, str], b: tuple[str, str, str, str]) -> bool:
    return _id_key(a) == _id_key(b)


def check_resource(doc: Any, where: str) -> Map:
    if not isinstance(doc, Map):
        raise Unsupported("a YAML document that is not a mapping", where)
    for key in ("apiVersion", "kind"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            raise Unsupported(f"a resource without {key}", where)
    meta = metadata_of(doc)
    if not isinstance(meta.get("name"), str) or not meta["name"]:
        raise Unsupported("a resource without metadata.name", where)
    if "namespace" in meta and not isinstance(meta["namespace"], str):
        raise Unsupported("a metadata.namespace that is not a string", where)
    for key in ("labels", "annotations"):
        value = meta.get(key)
        if isinstance(value, dict):
            for k in value:
                if k.startswith(
                    (
                        "config.kubernetes.io/",
                        "internal.config.kubernetes.io/",
                        "kustomize.config.k8s.io/",
                    )
                ):
                    raise Unsupported(f"the kustomize-internal {key[:-1]} {k}", where)
        elif value is not None:
            raise Unsupported(f"metadata.{key} that is not a mapping", where)
    return doc


def append(acc: list[Res], items: list[Res], k: Kustomization) -> None:
    """kustomize's ResMap.Append: a resource whose id is taken is an error."""
    taken = {_id_key(r.cur_id()) for r in acc}
    for res in items:
        if not res.ids:
            res.ids = [res.cur_id()]
        key = _id_key(res.cur_id())
        if key in taken:
            raise Unsupported(f"two resources with the id {key[1]}/{key[2]}", k.shown)
        taken.add(key)
        acc.append(res)
