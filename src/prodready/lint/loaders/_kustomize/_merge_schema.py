"""Which lists kustomize's strategic merge merges by key, and on which keys.

The merge keys are those of the Kubernetes 1.21 schema kyaml embeds (``patchStrategy: merge``),
by type; a resource finds its root type by apiVersion and kind. Every other list is replaced by
the patch's.
"""

from __future__ import annotations

from typing import Any

from prodready.lint.loaders._kustomize._resources import (
    BUILTIN_GROUPS,
    CLUSTER_SCOPED,
    NAMESPACED,
    split_gv,
)
from prodready.lint.loaders._kustomize._unsupported import Unsupported

Schema = tuple[str | None, tuple[str, ...] | None]  # (type, merge keys of a list field)
NONE: Schema = (None, None)
_OPAQUE: Schema = ("Opaque", None)
_MERGE_TYPES: dict[str, dict[str, Schema]] = {
    "ObjectMeta": {"finalizers": (None, ()), "ownerReferences": ("Opaque", ("uid",))},
    "Object": {"metadata": ("ObjectMeta", None)},
    "PodTemplateSpec": {"metadata": ("ObjectMeta", None), "spec": ("PodSpec", None)},
    "PodSpec": {
        "volumes": ("Volume", ("name",)),
        "containers": ("Container", ("name",)),
        "initContainers": ("Container", ("name",)),
        "ephemeralContainers": ("Container", ("name",)),
        "imagePullSecrets": ("Opaque", ("name",)),
        "hostAliases": ("Opaque", ("ip",)),
        "topologySpreadConstraints": ("Opaque", ("topologyKey", "whenUnsatisfiable")),
    },
    "Volume": {"ephemeral": ("EphemeralVolumeSource", None)},
    "EphemeralVolumeSource": {"volumeClaimTemplate": ("Template", None)},
    "Template": {"metadata": ("ObjectMeta", None)},
    "Container": {
        "ports": ("Opaque", ("containerPort", "protocol")),
        "env": ("Opaque", ("name",)),
        "volumeMounts": ("Opaque", ("mountPath",)),
        "volumeDevices": ("Opaque", ("devicePath",)),
    },
    "Pod": {"metadata": ("ObjectMeta", None), "spec": ("PodSpec", None)},
    "PodTemplate": {"metadata": ("ObjectMeta", None), "template": ("PodTemplateSpec", None)},
    "Workload": {"metadata": ("ObjectMeta", None), "spec": ("WorkloadSpec", None)},
    "WorkloadSpec": {"template": ("PodTemplateSpec", None)},
    "StatefulSet": {"metadata": ("ObjectMeta", None), "spec": ("StatefulSetSpec", None)},
    "StatefulSetSpec": {"template": ("PodTemplateSpec", None)},
    "CronJob": {"metadata": ("ObjectMeta", None), "spec": ("CronJobSpec", None)},
    "CronJobSpec": {"jobTemplate": ("JobTemplateSpec", None)},
    "JobTemplateSpec": {"metadata": ("ObjectMeta", None), "spec": ("WorkloadSpec", None)},
    "Service": {"metadata": ("ObjectMeta", None), "spec": ("ServiceSpec", None)},
    "ServiceSpec": {"ports": ("Opaque", ("port", "protocol"))},
    "ServiceAccount": {"metadata": ("ObjectMeta", None), "secrets": ("Opaque", ("name",))},
    "Webhooks": {"metadata": ("ObjectMeta", None), "webhooks": ("Opaque", ("name",))},
    "Node": {"metadata": ("ObjectMeta", None), "spec": ("NodeSpec", None)},
    "NodeSpec": {"podCIDRs": ("Opaque", ())},
    "CSINode": {"metadata": ("ObjectMeta", None), "spec": ("CSINodeSpec", None)},
    "CSINodeSpec": {"drivers": ("Opaque", ("name",))},
}
"""The lists that kyaml merges by key (``patchStrategy: merge`` in the Kubernetes 1.21 schema it
embeds), by type; every other list is replaced by the patch's."""
_ROOT_TYPES = {
    ("v1", "Pod"): "Pod",
    ("v1", "PodTemplate"): "PodTemplate",
    ("v1", "ReplicationController"): "Workload",
    ("apps/v1", "Deployment"): "Workload",
    ("apps/v1", "ReplicaSet"): "Workload",
    ("apps/v1", "DaemonSet"): "Workload",
    ("apps/v1", "StatefulSet"): "StatefulSet",
    ("batch/v1", "Job"): "Workload",
    ("batch/v1", "CronJob"): "CronJob",
    ("batch/v1beta1", "CronJob"): "CronJob",
    ("v1", "Service"): "Service",
    ("v1", "ServiceAccount"): "ServiceAccount",
    ("v1", "Node"): "Node",
    ("storage.k8s.io/v1", "CSINode"): "CSINode",
    ("storage.k8s.io/v1beta1", "CSINode"): "CSINode",
    **{
        (f"admissionregistration.k8s.io/{v}", k): "Webhooks"
        for v in ("v1", "v1beta1")
        for k in ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")
    },
}


def root_schema(api_version: Any, kind: Any) -> Schema:
    """The schema kyaml finds for a type: ours for built-in types it knows, none for the rest."""
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return NONE
    gvk = (api_version, kind)
    if gvk in _ROOT_TYPES:
        return (_ROOT_TYPES[gvk], None)
    if gvk in CLUSTER_SCOPED or gvk in NAMESPACED:
        return ("Object", None)
    if gvk == ("autoscaling/v2", "HorizontalPodAutoscaler"):
        return NONE  # newer than the schema kyaml embeds
    if split_gv(api_version)[0] in BUILTIN_GROUPS:
        raise Unsupported(f"a strategic merge patch on {api_version} {kind}")
    return NONE


def field_schema(schema: Schema, key: str) -> Schema:
    kind = schema[0]
    if kind is None:
        return NONE
    return _MERGE_TYPES.get(kind, {}).get(key, _OPAQUE)
