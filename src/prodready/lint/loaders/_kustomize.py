"""Render a kustomization in-process: a faithful subset of kustomize v5.5 (kubectl 1.32).

``kubectl kustomize`` costs a process per root and is missing on many machines. :func:`render`
returns the documents ``kubectl kustomize DIR`` prints, with the values prodready's YAML loader
reads from that output (same content, same types, kubectl's legacy order), or raises
:class:`Unsupported` naming the first thing outside the subset; the caller then runs kubectl.
Errors kustomize would report are :class:`Unsupported` too, so that kubectl's own message reaches
the user. Every rule here was checked against kubectl (``tests/lint/test_lint_kustomize.py``).

The subset:

* ``resources`` (local files and kustomization directories), ``components``, ``bases``;
* ``patches`` (inline or ``path``, with or without ``target``), ``patchesStrategicMerge``,
  ``patchesJson6902``: strategic merge as kustomize's kyaml walker does it (merge keys of the
  Kubernetes 1.21 schema kyaml embeds, ``$patch`` directives, patch-first list order), JSON
  patches as RFC 6902;
* ``namespace``, ``commonLabels``, ``labels``, ``commonAnnotations``, ``replicas``, ``images``;
* ``configMapGenerator`` / ``secretGenerator`` (literals, envs, files, behavior, options) with
  kustomize's content hash and the name references it rewrites.

Values follow kubectl's path through YAML 1.2 (go-yaml v3), JSON and back: ``yes`` stays a
string, ``1.0`` becomes ``1``, annotations become strings. Where that path is not certain
(timestamps, non-finite numbers, aliases, explicit tags) the render is :class:`Unsupported`.
Every mapping and sequence keeps the file and lines it came from (:class:`YMap`), so findings on
a rendered object point at the file that declares the value, patches included.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import json
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from prodready.lint.loaders._yaml import YList, YMap

__all__ = ["Renderer", "Unsupported", "render"]

_KUSTOMIZATION = ("kustomization.yaml", "kustomization.yml", "Kustomization")


class Unsupported(Exception):
    """The kustomization needs kubectl: ``feature`` names what prodready does not render."""

    def __init__(self, feature: str, where: str = "") -> None:
        super().__init__(f"unsupported: {feature}" + (f" ({where})" if where else ""))
        self.feature = feature
        self.where = where


class _Map(YMap):
    """A located mapping that also keeps what kubectl's output depends on and PyYAML forgets.

    ``blank`` holds the keys whose value was written as nothing at all (``key:``), a null that
    kustomize's strategic merge drops while it keeps ``key: null``; ``quoted`` the keys whose
    value was quoted (or a block scalar), a style a patch value inherits when it replaces it;
    ``raw`` the source text of plain scalars that are not strings, which kustomize writes back
    for annotations; ``flow`` whether it was written ``{...}``, where kubectl prints a blank
    value as an empty string; ``restyled`` whether kustomize printed and re-read it (a JSON
    patch), after which the quoting of its strings is not known.
    """

    blank: frozenset[Any] = frozenset()
    flow: bool = False
    quoted: frozenset[Any] = frozenset()
    raw: dict[Any, str] | None = None
    restyled: bool = False


# --- YAML values as kubectl sees them --------------------------------------------------------

_STR = "tag:yaml.org,2002:str"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_V3_BOOLS = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}
_V2_BOOLS = {
    **_V3_BOOLS,
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "off", "Off", "OFF"), False),
}
_NON_FINITE = frozenset(
    {
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
        "-.inf", "-.Inf", "-.INF", "<<",
    }
)  # fmt: skip
_HINTS = frozenset("+-.0123456789yYnNtTfFoO~")
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ]")
_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}
_INT64 = 1 << 63


def _go_int(text: str) -> int | None:
    """Go's ``strconv.ParseInt(text, 0, 64)``, then ``ParseUint``; ``None`` when both fail."""
    sign = text[:1] if text[:1] in "+-" else ""
    body = text[len(sign) :]
    base = 10
    if len(body) > 1 and body[0] == "0":
        prefix = body[1].lower()
        base, body = {"x": (16, body[2:]), "b": (2, body[2:]), "o": (8, body[2:])}.get(
            prefix, (8, body[1:])
        )
    if not body or any(c not in _DIGITS[base] for c in body):
        return None
    value = int(body, base) * (-1 if sign == "-" else 1)
    if -_INT64 <= value < _INT64 or (not sign and 0 <= value < 2 * _INT64):
        return value
    return None


def _go_float(text: str) -> float | None:
    """Go's ``strconv.ParseFloat`` for the decimal spellings YAML resolves; ``None`` on error."""
    if not text.isascii() or any(c.isspace() or (c.isalpha() and c not in "eE") for c in text):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None  # Go reports overflow as an error


def _go_g(value: float) -> str:
    """Go's ``strconv.FormatFloat(value, 'g', -1, 64)``: shortest digits, an exponent once it
    is below -4 or at least 6 (kubectl prints 1234567.5 as 1.2345675e+06)."""
    sign, digits, exponent = decimal.Decimal(repr(value)).normalize().as_tuple()
    if not isinstance(exponent, int):  # pragma: no cover - finite by construction
        raise Unsupported("a non-finite number")
    text = "".join(map(str, digits))
    point = len(text) + exponent
    minus = "-" if sign else ""
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        exp = point - 1
        return f"{minus}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{text}"
    if point >= len(text):
        return f"{minus}{text}{'0' * (point - len(text))}"
    return f"{minus}{text[:point]}.{text[point:]}"


def _json_float(value: float) -> int | float | str:
    """What prodready reads back after kubectl prints ``value``: JSON, then go-yaml v2.

    An integral float prints without a fraction and comes back as an int; others print with
    Go's ``%g``, and ``1e-05`` (no point) reads back as a string.
    """
    if not math.isfinite(value):
        raise Unsupported("a non-finite number")
    if value == int(value) and abs(value) < 1e21:
        whole = int(value)
        if -_INT64 <= whole < 2 * _INT64:
            return whole
    text = _go_g(value)
    if "e" in text and "." not in text:
        return text
    return value


def _timestamp(text: str, v2: bool) -> str | None:
    """A YAML timestamp: kubectl prints a date as RFC 3339 midnight UTC (v3), or keeps it as a
    string (v2, patches); a date-time is :class:`Unsupported`; ``None`` when not a timestamp."""
    date = _DATE.fullmatch(text)
    if date is None:
        if _DATETIME.match(text):
            raise Unsupported(f"the timestamp value {text!r}")
        return None
    year, month, day = (int(g) for g in date.groups())
    if year == 0:
        raise Unsupported(f"the timestamp value {text!r}")
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return text if v2 else f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z"


def _resolve(text: str, v2: bool) -> Any:
    """A plain scalar as go-yaml resolves it (v3 for resources, v2 for kustomization files and
    JSON patches), already normalised to what prodready reads back from kubectl's output."""
    if text in _NULLS:
        return None
    if text in _NON_FINITE:
        raise Unsupported(f"the value {text!r}")
    hint = text[0]
    if hint in "yYnNtTfFoO~":
        return (_V2_BOOLS if v2 else _V3_BOOLS).get(text, text)
    if hint == ".":
        number = _go_float(text)
        return text if number is None else _json_float(number)
    if hint in "+-0123456789":
        stamp = _timestamp(text, v2)
        if stamp is not None:
            return stamp
        plain = text.replace("_", "")
        whole = _go_int(plain)
        if whole is not None:
            return whole
        if _YAML_FLOAT.fullmatch(plain):
            number = _go_float(plain)
            if number is not None:
                return _json_float(number)
    return text


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    source = ""
    offset = 0
    v2 = False


def _scalar(loader: _Loader, node: yaml.ScalarNode) -> Any:
    value: str = node.value
    tag: str = node.tag
    if node.style:  # quoted or block: a string unless a tag says otherwise
        if tag != _STR:
            raise Unsupported(f"the YAML tag {tag}")
        return value
    if tag == _STR and (not value or value[0] not in _HINTS):
        return value
    resolved = _resolve(value, loader.v2)
    if tag == _STR and resolved == value and isinstance(resolved, str):
        return value
    if loader.resolve(yaml.ScalarNode, value, (True, False)) != tag:  # an explicit tag
        if tag == _STR:
            return value
        raise Unsupported(f"the YAML tag {tag}")
    return resolved


def _child(loader: _Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(loader, node)
    if node.tag not in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
        raise Unsupported(f"the YAML tag {node.tag}", loader.source)
    if node in loader.constructed_objects:
        raise Unsupported("a YAML alias", f"{loader.source}:{node.start_mark.line + 1}")
    return loader.construct_object(node, deep=True)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    result = _Map()
    result.path = loader.source
    result.line = node.start_mark.line + 1 + loader.offset
    result.end_line = node.end_mark.line + 1 + loader.offset
    result.key_lines = {}
    blank: set[Any] = set()
    quoted: set[Any] = set()
    raw: dict[Any, str] = {}
    for key_node, value_node in node.value:
        where = f"{loader.source}:{key_node.start_mark.line + 1 + loader.offset}"
        if not isinstance(key_node, yaml.ScalarNode):
            raise Unsupported("a mapping key that is not a plain value", where)
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise Unsupported("a YAML merge key (<<)", where)
        key = _scalar(loader, key_node)
        if not isinstance(key, str):
            raise Unsupported("a mapping key that is not a string", where)
        if key in result:
            raise Unsupported(f"the duplicate mapping key {key!r}", where)
        value = _child(loader, value_node)
        result[key] = value
        result.key_lines[key] = key_node.start_mark.line + 1 + loader.offset
        if isinstance(value_node, yaml.ScalarNode) and value_node.style:
            quoted.add(key)
        elif isinstance(value_node, yaml.ScalarNode):
            if value is None and value_node.value == "":
                blank.add(key)
            if not isinstance(value, str) or value != value_node.value:
                raw[key] = value_node.value
    if blank:
        result.blank = frozenset(blank)
    if quoted:
        result.quoted = frozenset(quoted)
    if node.flow_style and not loader.v2:
        result.flow = True
    if raw:
        result.raw = raw
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> YList:
    result = YList(_child(loader, child) for child in node.value)
    result.path = loader.source
    result.line = node.start_mark.line + 1 + loader.offset
    result.end_line = node.end_mark.line + 1 + loader.offset
    result.item_lines = [child.start_mark.line + 1 + loader.offset for child in node.value]
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def _load(text: str, path: str, *, v2: bool = False, offset: int = 0) -> list[Any]:
    """Every document of ``text`` with kubectl's values; :class:`Unsupported` when invalid."""
    loader = _Loader(text)
    loader.source = path
    loader.v2 = v2
    loader.offset = offset
    docs: list[Any] = []
    try:
        while loader.check_data():
            docs.append(loader.get_data())
    except yaml.YAMLError as exc:
        raise Unsupported("YAML that does not parse", path) from exc
    finally:
        loader.dispose()
    return docs


# --- located values ---------------------------------------------------------------------------


def _new_map(path: str, line: int) -> _Map:
    result = _Map()
    result.path = path
    result.line = result.end_line = line
    result.key_lines = {}
    return result


def _new_list(path: str, line: int, items: list[Any] | None = None) -> YList:
    result = YList(items or [])
    result.path = path
    result.line = result.end_line = line
    _relines(result)
    return result


def _relines(items: YList) -> None:
    """Item lines after a list was rebuilt: an item's own line when it is from the same file."""
    items.item_lines = [
        v.line if isinstance(v, YMap | YList) and v.path == items.path else items.line
        for v in items
    ]


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        result = _Map((k, _copy(v)) for k, v in value.items())
        result.path = getattr(value, "path", "")
        result.line = getattr(value, "line", 0)
        result.end_line = getattr(value, "end_line", 0)
        result.key_lines = dict(getattr(value, "key_lines", {}))
        if isinstance(value, _Map):
            result.blank = value.blank
            result.flow = value.flow
            result.quoted = value.quoted
            result.restyled = value.restyled
            result.raw = dict(value.raw) if value.raw else None
        return result
    if isinstance(value, list):
        copied = YList(_copy(v) for v in value)
        copied.path = getattr(value, "path", "")
        copied.line = getattr(value, "line", 0)
        copied.end_line = getattr(value, "end_line", 0)
        copied.item_lines = list(getattr(value, "item_lines", [0] * len(value)))
        return copied
    return value


def _set(
    target: dict[Any, Any], key: Any, value: Any, *, quoted: bool = False, raw: str | None = None
) -> None:
    """``target[key] = value``: what ``target`` knew of the old value goes, ``quoted`` and
    ``raw`` describe the new one."""
    target[key] = value
    if isinstance(target, _Map):
        if key in target.blank:
            target.blank = target.blank - {key}
        if quoted != (key in target.quoted):
            target.quoted = target.quoted | {key} if quoted else target.quoted - {key}
        if raw is not None:
            target.raw = {**(target.raw or {}), key: raw}
        elif target.raw and key in target.raw:
            del target.raw[key]


def _delete(target: dict[Any, Any], key: Any) -> None:
    target.pop(key, None)
    if isinstance(target, YMap):
        target.key_lines.pop(key, None)
    if isinstance(target, _Map):
        if key in target.blank:
            target.blank = target.blank - {key}
        if key in target.quoted:
            target.quoted = target.quoted - {key}
        if target.raw and key in target.raw:
            del target.raw[key]


def _meta(doc: dict[Any, Any]) -> dict[Any, Any]:
    meta = doc.get("metadata")
    if not isinstance(meta, dict):
        raise Unsupported("a resource without metadata", getattr(doc, "path", ""))
    return meta


def _string_map(value: Any, what: str, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise Unsupported(f"{what} that are not strings", where)
    return dict(value)


# --- resources --------------------------------------------------------------------------------

_CLUSTER_SCOPED = frozenset(
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

_NAMESPACED = frozenset(
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
_BUILTIN_GROUPS = frozenset(
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


def _split_gv(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


@dataclass
class _Res:
    """One resource of the accumulation, with the ids it has had (``ids[0]`` is the original)."""

    doc: _Map
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
        return str(_meta(self.doc).get("name", ""))

    @property
    def namespace(self) -> str:
        ns = _meta(self.doc).get("namespace")
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


def _cluster_scoped(api_version: str, kind: str) -> bool:
    return (api_version, kind) in _CLUSTER_SCOPED


def _effective_ns(api_version: str, kind: str, ns: str) -> str:
    if _cluster_scoped(api_version, kind):
        return "_non_namespaceable_"
    return ns or "default"


def _id_key(i: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    """An id as kustomize compares them: the namespace made effective."""
    return (i[0], i[1], i[2], _effective_ns(i[0], i[1], i[3]))


def _same_id(a: tuple[str, str, str, str], b: tuple[str, str, str, str]) -> bool:
    return _id_key(a) == _id_key(b)


def _check_resource(doc: Any, where: str) -> _Map:
    if not isinstance(doc, _Map):
        raise Unsupported("a YAML document that is not a mapping", where)
    for key in ("apiVersion", "kind"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            raise Unsupported(f"a resource without {key}", where)
    meta = _meta(doc)
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


# --- strategic merge patch: kyaml's walker ------------------------------------------------------


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_NIL: Any = _Marker("<absent>")  # a missing node (Go's nil *RNode)
_BLANK: Any = _Marker("<blank>")  # a null written as nothing (``key:``)
_KEEP_NULL: Any = _Marker("<kept null>")  # a null that the walk keeps

_Schema = tuple[str | None, tuple[str, ...] | None]  # (type, merge keys of a list field)
_NONE: _Schema = (None, None)
_OPAQUE: _Schema = ("Opaque", None)
_MERGE_TYPES: dict[str, dict[str, _Schema]] = {
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


def _root_schema(api_version: Any, kind: Any) -> _Schema:
    """The schema kyaml finds for a type: ours for built-in types it knows, none for the rest."""
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return _NONE
    gvk = (api_version, kind)
    if gvk in _ROOT_TYPES:
        return (_ROOT_TYPES[gvk], None)
    if gvk in _CLUSTER_SCOPED or gvk in _NAMESPACED:
        return ("Object", None)
    if gvk == ("autoscaling/v2", "HorizontalPodAutoscaler"):
        return _NONE  # newer than the schema kyaml embeds
    if _split_gv(api_version)[0] in _BUILTIN_GROUPS:
        raise Unsupported(f"a strategic merge patch on {api_version} {kind}")
    return _NONE


def _field_schema(schema: _Schema, key: str) -> _Schema:
    kind = schema[0]
    if kind is None:
        return _NONE
    return _MERGE_TYPES.get(kind, {}).get(key, _OPAQUE)


def _is_null(value: Any) -> bool:
    return value is _NIL or value is None or value is _BLANK


def _raw(value: Any) -> str:
    """The text kyaml compares merge keys by (a scalar's ``Value``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise Unsupported("a merge key that is not a string or an integer")
    if isinstance(value, int):
        return str(value)
    return ""  # mappings and sequences have no scalar text


def _field_text(element: Any, key: str) -> str:
    """``ElementValuesList``: the key's text, ``""`` when missing, null or empty."""
    if not isinstance(element, dict) or key not in element:
        return ""
    value = element[key]
    if value is None or (isinstance(value, dict | list) and not value):
        return ""
    return _raw(value)


def _match_field(element: Any, key: str, value: str, *, any_value: bool) -> bool:
    """kyaml's FieldMatcher on a list element; ``any_value`` when it was given no value."""
    if element is None:
        return False
    if key == "":
        if isinstance(element, dict | list):
            raise Unsupported("a merge list that mixes mappings and plain values")
        return _raw(element) == value
    if not isinstance(element, dict):
        raise Unsupported("a merge list whose items are not mappings")
    if key not in element:
        return False
    if any_value:
        return True
    if element[key] is None:
        raise Unsupported("a null merge key")
    return _raw(element[key]) == value


def _element_setter(items: list[Any], element: Any, keys: list[str], values: list[str]) -> None:
    """kyaml's ElementSetter: replace (or, without ``element``, delete) the matching items."""
    keys = keys or [""]
    mapping = keys[0] != "" and bool(values) and values[0] != ""
    kept: list[Any] = []
    found_any = False
    for item in items:
        if item is None or (isinstance(item, dict) and not item):
            continue
        if not isinstance(item, dict) and mapping:
            kept.append(item)
            continue
        found = True
        matched = False  # kyaml keeps the last match for keys past the values it was given
        for j, key in enumerate(keys):
            if j < len(values):
                matched = _match_field(item, key, values[j], any_value=values[j] == "")
            if not matched:
                found = False
                break
        if not found:
            if values:
                kept.append(item)
            continue
        found_any = True
        if element is not _NIL:
            kept.append(element)
    items[:] = kept
    if element is not _NIL and not found_any:
        items.append(element)
    if isinstance(items, YList):
        _relines(items)


def _element_list(source: Any, keys: list[str], values: list[str]) -> Any:
    """kyaml's ElementList / Element: the first item matching every key, else absent."""
    if not isinstance(source, list):
        return _NIL
    for item in source:
        if keys[0] == "":
            if not isinstance(item, dict | list) and item is not None and _raw(item) == values[0]:
                return item
            if isinstance(item, dict | list) and values[0] == "":
                return item
            continue
        if not isinstance(item, dict):
            continue
        if all(
            key in item and item[key] is not None and _raw(item[key]) == value
            for key, value in zip(keys, values, strict=True)
        ):
            return item
    return _NIL


def _validate_keys(
    values_list: list[list[str]], values: list[str], keys: list[str]
) -> tuple[list[str], list[str]]:
    valid = {keys[i] for vs in values_list for i, v in enumerate(vs) if v != ""}
    if not valid:
        return list(keys), list(values)
    return (
        [k for k in keys if k in valid],
        [v for i, v in enumerate(values) if v != "" or keys[i] in valid],
    )


def _merge_values(values_list: list[list[str]]) -> list[list[str]]:
    """Values that differ only where one is empty name the same item (a port with and without
    its protocol); kustomize rewrites both to the fuller one, in place, as it goes."""
    for i in range(len(values_list)):
        first = values_list[i]
        for j in range(len(values_list)):
            matched, merged = _match_values(first, values_list[j])
            if matched:
                values_list[i] = merged
                values_list[j] = merged
    return values_list


def _match_values(a: list[str], b: list[str]) -> tuple[bool, list[str]]:
    if len(a) != len(b):
        return False, []
    common = False
    merged: list[str] = []
    for x, y in zip(a, b, strict=True):
        if x == y:
            common = True
            merged.append(x)
            continue
        if x and y:
            return False, []
        merged.append(x or y)
    return common, merged


def _append_list_node(dst: list[Any], src: list[Any], keys: list[str]) -> list[Any]:
    for item in list(src):
        if keys[0] == "":
            _element_setter(dst, item, [""], [_raw(item) if not isinstance(item, dict) else ""])
            continue
        values: list[str] = []
        for key in keys:
            if not isinstance(item, dict):
                raise Unsupported("a merge list whose items are not mappings")
            if key not in item:
                dst.append(item)
                continue
            if item[key] is None:
                raise Unsupported("a null merge key")
            values.append(_raw(item[key]))
        if len(keys) > 1:
            _element_setter(dst, _NIL, keys, values)
        _element_setter(dst, item, keys, values)
    return dst


class _Walker:
    """kyaml's merge2 walker (kustomize's strategic merge), node for node, on Python values.

    Patches are merged into the destination in place, patch items first in merged lists, as
    kustomize does; ``$patch: delete|replace|merge`` directives work on maps and lists.
    """

    def walk(self, sources: list[Any], schema: _Schema) -> Any:
        if schema == _NONE:
            for source in sources:
                if isinstance(source, dict):
                    found = _root_schema(source.get("apiVersion"), source.get("kind"))
                    if found != _NONE:
                        schema = found
                        break
        kind = next((type(s) for s in sources if not _is_null(s)), None)
        if kind is None or issubclass(kind, dict):
            self._same_kind(sources, dict)
            return self._walk_map(sources, schema)
        if issubclass(kind, list):
            self._same_kind(sources, list)
            if schema[1] is not None:
                return self._walk_assoc(sources, schema)
            return sources[1] if sources[1] is not _NIL else sources[0]
        for source in sources:
            if isinstance(source, dict | list):
                raise Unsupported("a patch that changes a field from a value to a structure")
        return sources[1] if sources[1] is not _NIL else sources[0]

    @staticmethod
    def _same_kind(sources: list[Any], kind: type) -> None:
        for source in sources:
            if not _is_null(source) and not isinstance(source, kind):
                raise Unsupported("a patch that changes the type of a field")

    def _walk_map(self, sources: list[Any], schema: _Schema) -> Any:
        dest = self._visit_map(sources)
        sources[0] = dest
        if not isinstance(dest, dict):
            return dest
        names = sorted({k for s in sources if isinstance(s, dict) for k in s})
        for key in names:
            values = [_field_of(s, key) for s in sources]
            before = values[0]  # the walk may replace it in ``values``
            value = self.walk(values, _field_schema(schema, key))
            if value is _NIL or value is None or value is _BLANK:
                _delete(dest, key)
            elif value is _KEEP_NULL:
                dest[key] = None
            elif value is not before:
                _set_from_patch(dest, key, value, sources[1])
        return dest

    @staticmethod
    def _visit_map(sources: list[Any]) -> Any:
        dest, origin = sources
        if _is_null(dest):
            if _directive(origin, strict=False) == "delete":
                return _NIL
            if origin is _NIL and dest is None:
                return _KEEP_NULL  # kyaml keeps an explicit null the patch does not mention
            return origin
        if origin is None or origin is _BLANK:
            return _NIL
        directive = _directive(origin, strict=True)
        if directive == "delete":
            return _NIL
        if directive == "replace":
            return origin
        return dest

    def _walk_assoc(self, sources: list[Any], schema: _Schema) -> Any:
        dest, origin = sources
        if _is_null(dest):
            result = origin
        elif origin is None or origin is _BLANK:
            result = _NIL
        else:
            directive = _directive(origin, strict=True)
            result = {"delete": _NIL, "replace": origin}.get(directive, dest)
        sources[0] = result
        if not isinstance(result, list):
            return _NIL
        keys = schema[1]
        assert keys is not None
        element: _Schema = (schema[0], None)
        if not keys:
            seen: list[str] = []
            for source in (sources[1], sources[0]):
                if isinstance(source, list):
                    for item in source:
                        text = "" if isinstance(item, dict | list) else _raw(item)
                        if text not in seen:
                            seen.append(text)
            return self._set_assoc(sources, [[v] for v in seen], [""], result, element)
        values_list: list[list[str]] = []
        for source in (sources[1], sources[0]):
            if isinstance(source, list):
                for item in source:
                    values = [_field_text(item, k) for k in keys]
                    if values not in values_list:
                        values_list.append(values)
        return self._set_assoc(sources, values_list, list(keys), result, element)

    def _set_assoc(
        self,
        sources: list[Any],
        values_list: list[list[str]],
        keys: list[str],
        dest: list[Any],
        element: _Schema,
    ) -> Any:
        items = _new_list(getattr(dest, "path", ""), getattr(dest, "line", 0))
        if len(keys) > 1:
            values_list = _merge_values(values_list)
        valid_keys: list[str] = list(keys)
        for values in values_list:
            valid_keys, valid_values = _validate_keys(values_list, values, keys)
            lookup_keys, lookup_values = _validate_keys([valid_values], valid_values, valid_keys)
            found = [
                _NIL if s is _NIL else _element_list(s, lookup_keys, lookup_values) for s in sources
            ]
            value = self.walk(found, element)
            if value is _KEEP_NULL:
                value = None
            if _is_null(value) or (isinstance(value, dict) and not value):
                _element_setter(dest, _NIL, valid_keys, valid_values)
                continue
            for i, key in enumerate(valid_keys):
                if key == "":
                    continue
                if not isinstance(value, dict):
                    raise Unsupported("a merge list whose items are not mappings")
                if key not in value and valid_values[i] != "":
                    # kyaml sets the missing key as an untagged scalar: YAML types it again
                    _set(value, key, _resolve(valid_values[i], False))
            _element_setter(items, value, valid_keys, valid_values)
        result: list[Any] = dest
        if values_list:
            result = _append_list_node(items, dest, valid_keys)
        if isinstance(result, YList):
            _relines(result)
        return result


def _set_from_patch(dest: dict[Any, Any], key: str, value: Any, origin: Any) -> None:
    """kyaml's FieldSetter: a value replacing a field takes the field's quoting style, so a
    plain ``1.0`` over a quoted string becomes the string ``1.0``."""
    if isinstance(value, dict | list):
        _set(dest, key, value)
        return
    raw = origin.raw.get(key) if isinstance(origin, _Map) and origin.raw else None
    if key in dest:
        if isinstance(dest, _Map) and dest.restyled and not isinstance(value, str):
            raise Unsupported("a patch value over a field a JSON patch rewrote")
        if isinstance(dest, _Map) and key in dest.quoted:
            text = raw if raw is not None else value
            if not isinstance(text, str):
                raise Unsupported("a patch value over a quoted field")
            _set(dest, key, text, quoted=True)
        else:
            _set(dest, key, value, raw=raw)
        return
    quoted = isinstance(origin, _Map) and key in origin.quoted
    _set(dest, key, value, quoted=quoted, raw=raw)


def _field_of(source: Any, key: str) -> Any:
    if not isinstance(source, dict) or key not in source:
        return _NIL
    value = source[key]
    if value is None and isinstance(source, _Map) and key in source.blank:
        return _BLANK
    return value


def _directive(patch: Any, *, strict: bool) -> str:
    """The ``$patch`` directive of a patch node, removed from it (kyaml's determineSmpDirective);
    with ``strict``, an invalid one is an error, else it reads as ``unknown``."""
    if patch is _NIL:
        return "merge"
    value: Any = None
    if isinstance(patch, dict):
        if "$patch" not in patch:
            return "merge"
        value = patch["$patch"]
        if value in ("delete", "replace", "merge"):
            _delete(patch, "$patch")
            return str(value)
    elif isinstance(patch, list):
        item = next((i for i in patch if isinstance(i, dict) and "$patch" in i), None)
        if item is None or len(item) > 1:
            return "merge"
        value = item["$patch"]
        if value in ("delete", "replace", "merge"):
            patch[:] = [
                i
                for i in patch
                if not (i is None or (isinstance(i, dict) and not i))
                and not (isinstance(i, dict) and i.get("$patch") == value)
            ]
            if isinstance(patch, YList):
                _relines(patch)
            return str(value)
    if not strict:
        return "unknown"
    if isinstance(patch, dict | list):
        raise Unsupported(f"the $patch directive {value!r}")
    raise Unsupported("a strategic merge patch of a plain value")


def _stringify_metadata(patch: _Map, where: str) -> _Map:
    """What kustomize does to a patch it applies to selected targets (CopyMergeMetaDataFields):
    labels and annotations become their source text, and empty ones are dropped."""
    meta = _meta(patch)
    for key in ("labels", "annotations"):
        value = meta.get(key)
        if value is not None and not isinstance(value, dict):
            raise Unsupported(f"patch {key} that are not a mapping", where)
        if not value:
            _delete(meta, key)
            continue
        raw = value.raw if isinstance(value, _Map) else None
        for name in list(value):
            if raw and name in raw:
                _set(value, name, raw[name])
            elif not isinstance(value[name], str):
                raise Unsupported(f"patch {key} that are not strings", where)
    return patch


def _lists_under(value: Any) -> bool:
    if isinstance(value, list):
        return True
    if isinstance(value, dict):
        return any(_lists_under(v) for v in value.values())
    return False


def _check_patch_keys(value: Any, where: str) -> None:
    """kyaml knows ``$patch`` only; other SMP directives would land in the output."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith("$") and key != "$patch":
                raise Unsupported(f"the strategic merge directive {key}", where)
            _check_patch_keys(item, where)
    elif isinstance(value, list):
        for item in value:
            _check_patch_keys(item, where)


def _strategic_merge(doc: _Map, patch: _Map, where: str) -> _Map | None:
    """``patch`` merged into ``doc`` as kustomize's ApplySmPatch does; ``None`` when deleted."""
    for node in (doc, patch):
        if _lists_under(node.get("status")):
            raise Unsupported("a strategic merge patch on an object with status lists", where)
    annotations = _meta(patch).get("annotations")
    if isinstance(annotations, dict) and not all(isinstance(v, str) for v in annotations.values()):
        raise Unsupported("a patch with annotations that are not strings", where)
    _check_patch_keys(patch, where)
    name, namespace, kind = _meta(doc).get("name"), _meta(doc).get("namespace"), doc["kind"]
    # kustomize gives the patch its target's identity before merging (SetGvk, SetName, ...)
    _set(patch, "apiVersion", doc["apiVersion"])
    _set(patch, "kind", kind)
    _set(_meta(patch), "name", name)
    if namespace is None:
        _delete(_meta(patch), "namespace")
    else:
        _set(_meta(patch), "namespace", namespace)
    merged = _Walker().walk([doc, patch], _NONE)
    if merged is _KEEP_NULL or not isinstance(merged, _Map):
        if _is_null(merged) or merged is _KEEP_NULL:
            return None
        raise Unsupported("a strategic merge patch that replaces the whole object", where)
    if not merged:
        return None
    meta = merged.get("metadata")
    if not isinstance(meta, dict):
        raise Unsupported("a strategic merge patch that removes metadata", where)
    _set(merged, "kind", kind)
    _set(meta, "name", name)
    if namespace is None:
        _delete(meta, "namespace")
    else:
        _set(meta, "namespace", namespace)
    return merged


# --- JSON patch (RFC 6902) ---------------------------------------------------------------------


def _pointer(path: Any, where: str) -> list[str]:
    if not isinstance(path, str) or not path.startswith("/"):
        raise Unsupported(f"the JSON pointer {path!r}", where)
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in path[1:].split("/")]
    if any(t == "" for t in tokens):
        raise Unsupported(f"the JSON pointer {path!r}", where)
    return tokens


def _index(step: str, size: int, *, append: bool, where: str) -> int:
    if append and step == "-":
        return size
    if not re.fullmatch(r"0|[1-9][0-9]*", step) or int(step) > size - (0 if append else 1):
        raise Unsupported(f"the list index {step!r} in a JSON patch", where)
    return int(step)


def _parent(doc: Any, tokens: list[str], where: str) -> Any:
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(token, len(node), append=False, where=where)]
        else:
            raise Unsupported("a JSON patch path that does not exist", where)
    if not isinstance(node, dict | list):
        raise Unsupported("a JSON patch path that does not exist", where)
    return node


def _get_at(doc: Any, tokens: list[str], where: str) -> Any:
    parent = _parent(doc, tokens, where)
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise Unsupported("a JSON patch path that does not exist", where)
        return parent[last]
    return parent[_index(last, len(parent), append=False, where=where)]


def _remove_at(doc: Any, tokens: list[str], where: str) -> Any:
    parent = _parent(doc, tokens, where)
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise Unsupported("a JSON patch that removes a missing field", where)
        value = parent[last]
        _delete(parent, last)
        return value
    value = parent.pop(_index(last, len(parent), append=False, where=where))
    if isinstance(parent, YList):
        _relines(parent)
    return value


def _add_at(doc: Any, tokens: list[str], value: Any, where: str) -> None:
    parent = _parent(doc, tokens, where)
    last = tokens[-1]
    if isinstance(parent, dict):
        _set(parent, last, value)
        return
    parent.insert(_index(last, len(parent), append=True, where=where), value)
    if isinstance(parent, YList):
        _relines(parent)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _json_patch(doc: _Map, ops: list[Any], where: str) -> None:
    for op in ops:
        if not isinstance(op, dict) or not isinstance(op.get("op"), str):
            raise Unsupported("a JSON patch operation without op", where)
        kind = op["op"]
        tokens = _pointer(op.get("path"), where)
        if kind in ("add", "replace", "test") and "value" not in op:
            raise Unsupported(f"a JSON patch {kind} without a value", where)
        if kind == "add":
            _add_at(doc, tokens, _copy(op["value"]), where)
        elif kind == "remove":
            _remove_at(doc, tokens, where)
        elif kind == "replace":
            _get_at(doc, tokens, where)
            _add_at(doc, tokens, _copy(op["value"]), where)
        elif kind in ("move", "copy"):
            source = _pointer(op.get("from"), where)
            if kind == "move" and tokens[: len(source)] == source:
                raise Unsupported("a JSON patch move into itself", where)
            value = (
                _remove_at(doc, source, where)
                if kind == "move"
                else _copy(_get_at(doc, source, where))
            )
            _add_at(doc, tokens, value, where)
        elif kind == "test":
            current = _get_at(doc, tokens, where)
            if not _plain_scalars(current) or not _plain_scalars(op["value"]):
                raise Unsupported("a JSON patch test of numbers", where)
            if _plain(current) != _plain(op["value"]):
                raise Unsupported("a JSON patch test that fails", where)
        else:
            raise Unsupported(f"the JSON patch operation {kind!r}", where)


def _plain_scalars(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_plain_scalars(v) for v in value.values())
    if isinstance(value, list):
        return all(_plain_scalars(v) for v in value)
    return value is None or isinstance(value, str | bool)


def _json_round_trip(doc: Any, where: str) -> None:
    """What kustomize's JSON patch leaves behind: nulls become explicit, raw text is gone,
    integers pass through float64."""
    if isinstance(doc, dict):
        if isinstance(doc, _Map):
            _flow_blanks(doc)
            doc.blank = frozenset()
            doc.raw = None
            doc.flow = False
            doc.restyled = True
        for value in doc.values():
            _json_round_trip(value, where)
    elif isinstance(doc, list):
        for value in doc:
            _json_round_trip(value, where)
    elif isinstance(doc, int) and not isinstance(doc, bool) and abs(doc) > 2**53:
        raise Unsupported("a JSON-patched object with integers beyond 2^53", where)


# --- field specs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FieldSpec:
    path: str
    kind: str = ""
    group: str | None = None
    version: str | None = None
    create: bool = False

    def applies(self, api_version: str, kind: str) -> bool:
        group, version = _split_gv(api_version)
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


def _specs(text: str) -> tuple[_FieldSpec, ...]:
    """``path kind [group=g] [version=v] [create]`` per line."""
    result = []
    for line in text.strip().splitlines():
        words = line.split()
        options = dict(w.split("=", 1) for w in words[2:] if "=" in w)
        result.append(
            _FieldSpec(
                path=words[0],
                kind="" if words[1] == "*" else words[1],
                group=options.get("group"),
                version=options.get("version"),
                create="create" in words[2:],
            )
        )
    return tuple(result)


_METADATA_LABELS = _specs(
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
_COMMON_LABELS = (
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
    *(_FieldSpec(p, k, group="apps") for k in ("Deployment", "StatefulSet") for p in _AFFINITY),
    *_METADATA_LABELS,
)
_COMMON_ANNOTATIONS = _specs(
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


def _ref_specs(kind: str) -> tuple[_FieldSpec, ...]:
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
    specs = [_FieldSpec(f"spec/{p}", "Pod", version="v1") for p in pod]
    specs += [_FieldSpec(f"template/spec/{p}", "PodTemplate") for p in pod]
    for workload, prefix in _WORKLOAD_REFS:
        specs += [_FieldSpec(f"{prefix}/{p}", workload) for p in pod]
    return (*specs, *extra)


def _walk_spec(
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
            _walk_spec(item, parts, visit, create=create, where=where)
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
        _set(node, name, _new_map(getattr(node, "path", ""), getattr(node, "line", 0)))
    value = node[name]
    if value is None:
        if not create and not sequence:
            raise Unsupported("a field spec path through a null", where)
        value = (
            _new_list(getattr(node, "path", ""), getattr(node, "line", 0))
            if sequence
            else _new_map(getattr(node, "path", ""), getattr(node, "line", 0))
        )
        _set(node, name, value)
    _walk_spec(value, parts[1:], visit, create=create, where=where)


def _set_entries(entries: dict[str, str], where: str) -> Callable[[Any], None]:
    def visit(node: Any) -> None:
        if not isinstance(node, dict):
            raise Unsupported("labels or annotations that are not a mapping", where)
        for key in sorted(entries):
            _set(node, key, entries[key])

    return visit


# --- images ------------------------------------------------------------------------------------

_IMAGE_NAME = re.compile(r"[A-Za-z0-9._/:-]+")
_IMAGE_SPECS = (
    "spec/containers[]",
    "spec/initContainers[]",
    "spec/template/spec/containers[]",
    "spec/template/spec/initContainers[]",
)
"""kustomize's image field specs, up to the containers (the ``image`` field is updated there)."""


def _split_image(image: str) -> tuple[str, str, str]:
    """kustomize's image.Split: (name, tag, digest)."""
    slash = image.find("/")
    search = image[slash:] if slash > 0 else image
    slash = max(slash, 0) if slash > 0 else 0
    at = search.find("@")
    colon = search.find(":")
    if colon < 0 and at < 0:
        return image, "", ""
    if at >= 0 and (at < colon or colon < 0):
        at += slash
        return image[:at], "", image[at + 1 :]
    if at >= 0 and colon >= 0:
        at += slash
        colon += slash
        return image[:colon], image[colon + 1 : at], image[at + 1 :]
    colon += slash
    return image[:colon], image[colon + 1 :], ""


@dataclass(frozen=True)
class _Image:
    name: str
    new_name: str = ""
    new_tag: str = ""
    digest: str = ""
    tag_suffix: str = ""

    def update(self, value: str) -> str:
        # kustomize puts the name into a regular expression unescaped: a dot matches anything
        pattern = self.name + r"(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?\Z"
        if not re.match(pattern, value):
            return value
        name, tag, digest = _split_image(value)
        if self.new_name:
            name = self.new_name
        if self.new_tag and self.digest:
            tag, digest = self.new_tag, self.digest
        elif self.new_tag:
            tag, digest = self.new_tag, ""
        elif self.digest:
            tag, digest = "", self.digest
        elif self.tag_suffix:
            tag, digest = tag + self.tag_suffix, ""
        return name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")


# --- label selectors ---------------------------------------------------------------------------

_SELECTOR_KEY = r"[A-Za-z0-9][A-Za-z0-9._/-]*"
_SELECTOR_VALUE = r"[A-Za-z0-9._-]*"
_REQUIREMENT = re.compile(
    rf"\s*(?:(?P<not>!)\s*(?P<absent>{_SELECTOR_KEY})"
    rf"|(?P<key>{_SELECTOR_KEY})\s*(?:(?P<op>==|=|!=)\s*(?P<value>{_SELECTOR_VALUE})"
    rf"|\s+(?P<set>in|notin)\s*\((?P<values>[^()]*)\))?)\s*"
)


@dataclass(frozen=True)
class _Requirement:
    """One requirement of a label selector: ``key`` compared by ``op`` with ``values``."""

    key: str
    op: str  # exists, absent, in, notin
    values: frozenset[str] = frozenset()

    def holds(self, labels: dict[str, str]) -> bool:
        if self.op == "exists":
            return self.key in labels
        if self.op == "absent":
            return self.key not in labels
        if self.op == "in":
            return labels.get(self.key) in self.values
        return labels.get(self.key) not in self.values


def _selector(text: str, where: str) -> Callable[[dict[str, str]], bool]:
    """A Kubernetes label selector (``a=b,c!=d,e in (f,g),!h``) as a predicate on labels."""
    requirements: list[_Requirement] = []
    for part in _split_selector(text, where):
        match = _REQUIREMENT.fullmatch(part)
        if match is None:
            raise Unsupported(f"the label selector {text!r}", where)
        if match["absent"]:
            requirements.append(_Requirement(match["absent"], "absent"))
        elif match["op"]:
            op = "notin" if match["op"] == "!=" else "in"
            requirements.append(_Requirement(match["key"], op, frozenset({match["value"]})))
        elif match["set"]:
            values = frozenset(v.strip() for v in match["values"].split(","))
            if not all(re.fullmatch(_SELECTOR_VALUE, v) for v in values):
                raise Unsupported(f"the label selector {text!r}", where)
            requirements.append(_Requirement(match["key"], match["set"], values))
        else:
            requirements.append(_Requirement(match["key"], "exists"))
    return lambda labels: all(r.holds(labels) for r in requirements)


def _split_selector(text: str, where: str) -> Iterator[str]:
    depth = 0
    start = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            yield text[start:i]
            start = i + 1
    if depth != 0:
        raise Unsupported(f"the label selector {text!r}", where)
    if text.strip():
        yield text[start:]


_REGEX_SAFE = re.compile(r"[A-Za-z0-9._\-/*+?|()\[\]^$]*")


def _name_regex(value: Any, what: str, where: str) -> re.Pattern[str] | None:
    """A target field as kustomize reads it: an anchored regular expression, or ``None``."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _REGEX_SAFE.fullmatch(value):
        raise Unsupported(f"the patch target {what} {value!r}", where)
    try:
        return re.compile(f"(?:{value})")
    except re.error as exc:
        raise Unsupported(f"the patch target {what} {value!r}", where) from exc


# --- the kustomization -------------------------------------------------------------------------

_FIELDS = frozenset(
    {
        "apiVersion", "kind", "metadata", "resources", "bases", "components", "namespace",
        "patches", "patchesStrategicMerge", "patchesJson6902", "images", "imageTags",
        "configMapGenerator", "secretGenerator", "generatorOptions", "replicas",
        "commonLabels", "labels", "commonAnnotations", "sortOptions",
    }
)  # fmt: skip


@dataclass
class _Kustomization:
    directory: Path
    file: Path
    shown: str
    doc: _Map

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind") or "Kustomization")

    def strings(self, key: str) -> list[str]:
        value = self.doc.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Unsupported(f"{key} that is not a list of strings", self.shown)
        return list(value)

    def items(self, key: str) -> list[Any]:
        value = self.doc.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise Unsupported(f"{key} that is not a list", self.shown)
        return list(value)

    def line_of(self, key: str, index: int | None = None) -> int:
        value = self.doc.get(key)
        if index is not None and isinstance(value, YList):
            return value.line_of(index)
        return self.doc.line_of(key)


def _kustomization_file(directory: Path) -> Path:
    found = [directory / n for n in _KUSTOMIZATION if (directory / n).is_file()]
    if len(found) != 1:
        raise Unsupported(
            "a directory without a kustomization file"
            if not found
            else "a directory with several kustomization files",
            str(directory),
        )
    return found[0]


def _check_fields(doc: _Map, where: str) -> None:
    for key, value in doc.items():
        if key not in _FIELDS and value not in (None, "", [], {}):
            raise Unsupported(f"the {key} field", where)
    kind = doc.get("kind") or "Kustomization"
    if kind not in ("Kustomization", "Component"):
        raise Unsupported(f"a kustomization of kind {kind!r}", where)
    expected = {
        "Kustomization": "kustomize.config.k8s.io/v1beta1",
        "Component": "kustomize.config.k8s.io/v1alpha1",
    }[str(kind)]
    if doc.get("apiVersion") not in (None, "", expected):
        raise Unsupported(f"the apiVersion {doc.get('apiVersion')!r}", where)
    sort = doc.get("sortOptions")
    if sort is not None and sort != {"order": "legacy"}:
        raise Unsupported("sortOptions other than the legacy order", where)
    namespace = doc.get("namespace")
    if namespace is not None and not isinstance(namespace, str):
        raise Unsupported("a namespace that is not a string", where)


# --- rendering ---------------------------------------------------------------------------------

_LEGACY_FIRST = (
    "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
    "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
    "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass",
    "PersistentVolume", "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob",
    "PodDisruptionBudget",
)  # fmt: skip
_LEGACY_ORDER = {
    **{kind: i - len(_LEGACY_FIRST) for i, kind in enumerate(_LEGACY_FIRST)},
    "MutatingWebhookConfiguration": 1,
    "ValidatingWebhookConfiguration": 2,
}
_CONFIG_MAP_KEY = re.compile(r"[-._a-zA-Z0-9]+")
_ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")
_PYYAML_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)"
    r"[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?"
)
_GO_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?"
    r"(?:Z|[-+][0-9]{2}:[0-9]{2})| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?)?"
)


def _legacy_key(res: _Res) -> tuple[int, str, str]:
    group, version = _split_gv(res.api_version)
    gvk = "_".join((group or "~G", version or "~V", res.kind or "~K"))
    return (
        _LEGACY_ORDER.get(res.kind, 0),
        gvk,
        f"{res.namespace or '~X'}|{res.name or '~N'}",
    )


def _go_json(value: Any) -> bytes:
    """Go's ``json.Marshal`` of a map: sorted keys, HTML characters escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


def _content_hash(doc: _Map, where: str) -> str:
    """kustomize's name suffix for a generated ConfigMap or Secret (its hasher; the name is
    looked up as one field named ``metadata/name``, so it hashes as empty)."""

    def part(key: str) -> Any:
        if key not in doc:
            return ""
        value = doc[key]
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise Unsupported(f"a generated object whose {key} is not strings", where)
        return dict(value)

    if doc["kind"] == "ConfigMap":
        encoded: dict[str, Any] = {"kind": "ConfigMap", "name": "", "data": part("data")}
        if isinstance(doc.get("binaryData"), dict):
            encoded["binaryData"] = part("binaryData")
    else:
        kind = doc.get("type", "")
        if not isinstance(kind, str):
            raise Unsupported("a Secret type that is not a string", where)
        encoded = {"kind": "Secret", "type": kind, "name": "", "data": part("data")}
        if isinstance(doc.get("stringData"), dict):
            encoded["stringData"] = part("stringData")
    digest = hashlib.sha256(_go_json(encoded)).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def _flow_blanks(node: _Map) -> None:
    """kubectl writes a blank value inside ``{...}`` as ``''``: it reads back as a string."""
    if node.flow:
        for key in node.blank:
            if node.get(key, "") is None:
                node[key] = ""
        node.blank = frozenset()


def _check_output(value: Any, where: str) -> None:
    """Strings kubectl prints bare that prodready would not read back as strings; blank values
    in flow mappings become the empty strings kubectl prints."""
    if isinstance(value, dict):
        if isinstance(value, _Map):
            _flow_blanks(value)
        for key, item in value.items():
            _check_output(key, where)
            _check_output(item, where)
    elif isinstance(value, list):
        for item in value:
            _check_output(item, where)
    elif (isinstance(value, str) and value[:1].isdigit()) or value == "=":
        if value == "=":
            raise Unsupported("the value '='", where)
        if _PYYAML_TIMESTAMP.fullmatch(value) and not (
            _GO_TIMESTAMP.fullmatch(value) and _timestamp_valid(value)
        ):
            raise Unsupported(f"the value {value!r}", where)


def _timestamp_valid(value: str) -> bool:
    date = _DATE.match(value)
    if date is None:
        return False
    try:
        datetime.date(*(int(g) for g in date.groups()))
    except ValueError:
        return False
    return True


class Renderer:
    """Renders kustomization roots in-process (:meth:`render`); one instance shares what it
    reads and parses between the roots of a run. ``files`` holds the text of every file read,
    by resolved path; ``display`` names files in locations."""

    def __init__(self, display: Callable[[Path], str] = str) -> None:
        self.display = display
        self.files: dict[Path, str] = {}
        self._parsed: dict[Path, list[Any]] = {}
        self._real: dict[Path, Path] = {}

    def _resolve(self, path: Path) -> Path:
        if path not in self._real:
            self._real[path] = path.resolve()
        return self._real[path]

    # files

    def _read(self, path: Path, where: str) -> str:
        try:
            if path not in self.files:
                self.files[path] = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise Unsupported(f"the unreadable file {path.name}", where) from exc
        return self.files[path]

    def _docs(self, path: Path, where: str) -> list[Any]:
        if path not in self._parsed:
            self._parsed[path] = _load(self._read(path, where), self.display(path))
        return [_copy(d) for d in self._parsed[path]]

    def _local_file(self, k: _Kustomization, entry: str) -> Path:
        """A file a kustomization names; kubectl refuses files outside its directory."""
        if "://" in entry or entry.startswith(("git@", "github.com/", "gitlab.com/")):
            raise Unsupported(f"the remote resource {entry}", k.shown)
        joined = Path(os.path.normpath(k.directory / entry))
        resolved = self._resolve(joined)
        if not joined.is_relative_to(k.directory) or not resolved.is_relative_to(k.directory):
            raise Unsupported(f"the file {entry} outside the kustomization directory", k.shown)
        return resolved

    def _kustomization(self, directory: Path, expect: str) -> _Kustomization:
        file = _kustomization_file(directory)
        shown = self.display(file)
        docs = _load(self._read(file, shown), shown, v2=True)
        if len(docs) != 1 or not isinstance(docs[0], _Map):
            raise Unsupported("a kustomization file that is not one mapping", shown)
        k = _Kustomization(directory, file, shown, docs[0])
        _check_fields(k.doc, shown)
        if k.kind != expect:
            raise Unsupported(f"a {k.kind} where kustomize expects a {expect}", shown)
        return k

    # accumulation

    def render(self, directory: Path) -> list[YMap]:
        """The documents ``kubectl kustomize directory`` prints; :class:`Unsupported` for
        anything outside the subset and for anything kustomize would refuse."""
        directory = self._resolve(directory)
        k = self._kustomization(directory, "Kustomization")
        resources = self._target(k, [], (directory,))
        self._hash_names(resources, k.shown)
        self._fix_references(resources, k.shown)
        for res in resources:
            self._finish(res)
        resources.sort(key=_legacy_key)
        return [res.doc for res in resources]

    def _target(self, k: _Kustomization, acc: list[_Res], stack: tuple[Path, ...]) -> list[_Res]:
        for entry in k.strings("resources") + k.strings("bases"):
            self._resource(k, entry, acc, stack)
        self._generate(k, acc)
        for entry in k.strings("components"):
            directory = self._directory(k, entry, stack)
            component = self._kustomization(directory, "Component")
            self._target(component, acc, (*stack, directory))
        self._transform(k, acc)
        return acc

    def _directory(self, k: _Kustomization, entry: str, stack: tuple[Path, ...]) -> Path:
        if "://" in entry or entry.startswith(("git@", "github.com/", "gitlab.com/")):
            raise Unsupported(f"the remote resource {entry}", k.shown)
        directory = self._resolve(k.directory / entry)
        if not directory.is_dir():
            raise Unsupported(f"the missing resource {entry}", k.shown)
        if directory in stack:
            raise Unsupported(f"a kustomization cycle through {entry}", k.shown)
        return directory

    def _resource(
        self, k: _Kustomization, entry: str, acc: list[_Res], stack: tuple[Path, ...]
    ) -> None:
        candidate = self._resolve(k.directory / entry)
        if candidate.is_file():
            path = self._local_file(k, entry)
            docs = self._expand(self._docs(path, k.shown), self.display(path))
            self._append(acc, [_Res(doc) for doc in docs], k)
            return
        directory = self._directory(k, entry, stack)
        sub = self._kustomization(directory, "Kustomization")
        self._append(acc, self._target(sub, [], (*stack, directory)), k)

    @staticmethod
    def _expand(docs: list[Any], where: str) -> Iterator[_Map]:
        for doc in docs:
            if doc is None:
                continue
            if isinstance(doc, dict) and isinstance(doc.get("kind"), str):
                if doc["kind"] == "List" and isinstance(doc.get("items"), list):
                    for item in doc["items"]:
                        yield _check_resource(item, where)
                    continue
                if doc["kind"].endswith("List"):
                    raise Unsupported(f"a {doc['kind']}", where)
            checked = _check_resource(doc, where)
            yield checked

    @staticmethod
    def _append(acc: list[_Res], items: list[_Res], k: _Kustomization) -> None:
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

    # generators

    def _generate(self, k: _Kustomization, acc: list[_Res]) -> None:
        defaults = k.doc.get("generatorOptions")
        for kind, key in (("ConfigMap", "configMapGenerator"), ("Secret", "secretGenerator")):
            for index, args in enumerate(k.items(key)):
                res = self._generated(k, kind, args, defaults, k.line_of(key, index))
                self._absorb(acc, res, k)

    def _generated(self, k: _Kustomization, kind: str, args: Any, defaults: Any, line: int) -> _Res:
        allowed = {"name", "namespace", "behavior", "literals", "files", "envs", "env", "options"}
        if kind == "Secret":
            allowed.add("type")
        if not isinstance(args, dict) or set(args) - allowed:
            raise Unsupported(f"{kind} generator fields {sorted(set(args) - allowed)}", k.shown)
        name, namespace = args.get("name"), args.get("namespace") or ""
        if not isinstance(name, str) or not name or not isinstance(namespace, str):
            raise Unsupported(f"a {kind} generator without a name", k.shown)
        behavior = args.get("behavior") or "create"
        if behavior not in ("create", "merge", "replace"):
            raise Unsupported(f"the generator behavior {behavior!r}", k.shown)
        options = self._options(args.get("options"), defaults, k.shown)
        data = self._pairs(k, args, line)
        doc = _new_map(k.shown, line)
        _set(doc, "apiVersion", "v1")
        _set(doc, "kind", kind)
        meta = _new_map(k.shown, line)
        _set(meta, "name", name)
        if namespace:
            _set(meta, "namespace", namespace)
        _set(doc, "metadata", meta)
        if kind == "Secret":
            secret_type = args.get("type") or "Opaque"
            if not isinstance(secret_type, str):
                raise Unsupported("a Secret type that is not a string", k.shown)
            _set(doc, "type", secret_type)
        if data:
            values = _new_map(k.shown, line)
            for key, (value, value_line) in sorted(data.items()):
                if kind == "Secret":
                    value = base64.b64encode(value.encode()).decode()
                _set(values, key, value)
                values.key_lines[key] = value_line
            _set(doc, "data", values)
        for field_name in ("labels", "annotations"):
            if options[field_name]:
                entries = _new_map(k.shown, line)
                for key in sorted(options[field_name]):
                    _set(entries, key, options[field_name][key])
                _set(meta, field_name, entries)
        if options["immutable"]:
            if kind == "Secret":
                raise Unsupported("an immutable generated Secret", k.shown)
            _set(doc, "immutable", True)
        res = _Res(doc, [], generated=True, behavior=behavior, hash=not options["disable"])
        res.ids = [res.cur_id()]
        return res

    @staticmethod
    def _options(local: Any, defaults: Any, where: str) -> dict[str, Any]:
        result: dict[str, Any] = {"labels": {}, "annotations": {}, "disable": False}
        result["immutable"] = False
        for options in (defaults, local):
            if options is None:
                continue
            allowed = {"labels", "annotations", "disableNameSuffixHash", "immutable"}
            if not isinstance(options, dict) or set(options) - allowed:
                raise Unsupported("generator options outside labels, annotations, "
                                  "disableNameSuffixHash and immutable", where)  # fmt: skip
            for key in ("labels", "annotations"):
                entries = _string_map(options.get(key), f"generator {key}", where)
                for name, value in entries.items():
                    if result[key].get(name, value) != value:
                        raise Unsupported(f"generator {key} set twice", where)
                    result[key][name] = value
            flags = (("disableNameSuffixHash", "disable"), ("immutable", "immutable"))
            for option, target in flags:
                flag = options.get(option)
                if flag is not None and not isinstance(flag, bool):
                    raise Unsupported(f"a generator option {option} that is not a boolean", where)
                result[target] = result[target] or bool(flag)
        return result

    def _pairs(self, k: _Kustomization, args: dict[Any, Any], line: int) -> dict[str, Any]:
        """The generator's data, as kustomize's kv loader reads it: envs, literals, files."""
        pairs: list[tuple[str, str, int]] = []
        envs = args.get("envs") or []
        if args.get("env"):
            envs = [*envs, args["env"]]
        for entry in self._string_list(envs, "envs", k):
            pairs += self._env_file(k, entry, line)
        literals = args.get("literals")
        for index, entry in enumerate(self._string_list(literals, "literals", k)):
            key, sep, value = entry.partition("=")
            if not sep or not key:
                raise Unsupported(f"the literal {entry!r}", k.shown)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            item_line = literals.line_of(index) if isinstance(literals, YList) else line
            pairs.append((key, value, item_line))
        files = args.get("files")
        for index, entry in enumerate(self._string_list(files, "files", k)):
            key, sep, source = entry.partition("=")
            if not sep:
                key, source = os.path.basename(entry), entry
            if not key or not source or "=" in source:
                raise Unsupported(f"the file source {entry!r}", k.shown)
            path = self._local_file(k, source)
            if not path.is_file():
                raise Unsupported(f"the missing file {source}", k.shown)
            item_line = files.line_of(index) if isinstance(files, YList) else line
            pairs.append((key, self._read(path, k.shown), item_line))
        data: dict[str, Any] = {}
        for key, value, item_line in pairs:
            if not _CONFIG_MAP_KEY.fullmatch(key) or key in data:
                raise Unsupported(f"the generator key {key!r}", k.shown)
            data[key] = (value, item_line)
        return data

    @staticmethod
    def _string_list(value: Any, what: str, k: _Kustomization) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Unsupported(f"generator {what} that are not strings", k.shown)
        return list(value)

    def _env_file(self, k: _Kustomization, entry: str, line: int) -> list[tuple[str, str, int]]:
        path = self._local_file(k, entry)
        if not path.is_file():
            raise Unsupported(f"the missing env file {entry}", k.shown)
        text = self._read(path, k.shown)
        pairs = []
        for number, raw_line in enumerate(text.split("\n")):
            content = raw_line.removesuffix("\r")
            if number == 0:
                content = content.removeprefix("\ufeff")
            if len(content) > 65536 or any("\x1c" <= c <= "\x1f" for c in content):
                raise Unsupported(f"the env file {entry}", k.shown)
            content = content.lstrip()
            if not content or content.startswith("#"):
                continue
            key, sep, value = content.partition("=")
            if not sep or not _ENV_NAME.fullmatch(key):
                raise Unsupported(f"the env file line {content!r}", k.shown)
            pairs.append((key, value, line))
        return pairs

    @staticmethod
    def _absorb(acc: list[_Res], res: _Res, k: _Kustomization) -> None:
        """kustomize's appendReplaceOrMerge for a generated object."""
        current = res.cur_id()
        matches = [r for r in acc if any(_same_id(i, current) for i in r.all_ids())]
        if len(matches) > 1:
            raise Unsupported(f"a generator that matches several objects ({current[2]})", k.shown)
        if not matches:
            if res.behavior != "create":
                raise Unsupported(f"a generator {res.behavior} without a base ({current[2]})",
                                  k.shown)  # fmt: skip
            Renderer._append(acc, [res], k)
            return
        old = matches[0]
        if res.behavior == "create":
            raise Unsupported(f"a generator that recreates {current[2]}", k.shown)
        if not old.generated or old.hash != res.hash:
            raise Unsupported("a generator merge onto an object of another origin", k.shown)
        old_meta, new_meta = _meta(old.doc), _meta(res.doc)
        for key in ("labels", "annotations"):
            merged = {
                **_string_map(old_meta.get(key), key, k.shown),
                **_string_map(new_meta.get(key), key, k.shown),
            }
            if merged:
                entries = _new_map(k.shown, getattr(new_meta, "line", 0))
                for name in sorted(merged):
                    _set(entries, name, merged[name])
                _set(new_meta, key, entries)
            else:
                _delete(new_meta, key)
        _set(new_meta, "name", old.name)
        if old.namespace:
            _set(new_meta, "namespace", old.namespace)
        else:
            _delete(new_meta, "namespace")
        if res.behavior == "merge":
            for key in ("data", "binaryData"):
                merged = {
                    **_string_map(old.doc.get(key), key, k.shown),
                    **_string_map(res.doc.get(key), key, k.shown),
                }
                if merged:
                    entries = _new_map(k.shown, res.doc.line)
                    for name in sorted(merged):
                        _set(entries, name, merged[name])
                        source = res.doc.get(key)
                        if isinstance(source, YMap) and name in source.key_lines:
                            entries.key_lines[name] = source.key_lines[name]
                    _set(res.doc, key, entries)
        res.ids = [*old.ids, *res.ids]
        acc[acc.index(old)] = res

    # transformers

    def _transform(self, k: _Kustomization, acc: list[_Res]) -> None:
        for index, entry in enumerate(k.items("patchesStrategicMerge")):
            if not isinstance(entry, str):
                raise Unsupported("a patchesStrategicMerge entry that is not a string", k.shown)
            path = self._resolve(k.directory / entry)
            if "\n" not in entry and path.is_file():
                file = self._local_file(k, entry)
                docs = _load(self._read(file, k.shown), self.display(file))
            else:
                docs = _load(entry, k.shown, offset=k.line_of("patchesStrategicMerge", index))
            for doc in docs:
                if doc is not None:
                    self._smp(acc, doc, None, k)
        for index, entry in enumerate(k.items("patches")):
            self._patch(acc, entry, index, k)
        namespace = k.doc.get("namespace")
        if namespace:
            self._namespace(acc, namespace, k)
        for label in k.items("labels"):
            self._labels(acc, label, k)
        common = _string_map(k.doc.get("commonLabels"), "commonLabels", k.shown)
        if common:
            self._apply_specs(acc, _COMMON_LABELS, common, k)
        annotations = _string_map(k.doc.get("commonAnnotations"), "commonAnnotations", k.shown)
        if annotations:
            self._apply_specs(acc, _COMMON_ANNOTATIONS, annotations, k)
        for index, entry in enumerate(k.items("patchesJson6902")):
            self._patch_json6902(acc, entry, index, k)
        for entry in k.items("replicas"):
            self._replicas(acc, entry, k)
        for entry in k.items("images") + k.items("imageTags"):
            self._images(acc, entry, k)

    def _patch_text(
        self, k: _Kustomization, entry: dict[Any, Any], key: str, index: int
    ) -> tuple[str, str, int]:
        """The patch's text, where it is shown and the line its first line is on."""
        if ("path" in entry) == ("patch" in entry):
            raise Unsupported(f"a {key} entry without exactly one of path and patch", k.shown)
        if "path" in entry:
            if not isinstance(entry["path"], str):
                raise Unsupported(f"a {key} path that is not a string", k.shown)
            file = self._local_file(k, entry["path"])
            if not file.is_file():
                raise Unsupported(f"the missing patch file {entry['path']}", k.shown)
            return self._read(file, k.shown), self.display(file), 0
        text = entry["patch"]
        if not isinstance(text, str):
            raise Unsupported(f"a {key} patch that is not a string", k.shown)
        line = entry.line_of("patch") if isinstance(entry, YMap) else k.line_of(key, index)
        return text.strip(), k.shown, line if "\n" in text else line - 1

    def _patch(self, acc: list[_Res], entry: Any, index: int, k: _Kustomization) -> None:
        if not isinstance(entry, dict) or set(entry) - {"path", "patch", "target", "options"}:
            raise Unsupported("a patches entry with fields outside path, patch and target",
                              k.shown)  # fmt: skip
        if entry.get("options"):
            raise Unsupported("patch options", k.shown)
        text, shown, offset = self._patch_text(k, entry, "patches", index)
        docs = [d for d in _load(text, shown, offset=offset) if d is not None]
        target = entry.get("target")
        if len(docs) == 1 and isinstance(docs[0], dict):
            self._smp(acc, docs[0], target, k)
        elif len(docs) == 1 and isinstance(docs[0], list):
            if target is None:
                raise Unsupported("a JSON patch without a target", k.shown)
            ops = self._json_ops(text, shown, offset)
            for res in self._select(acc, target, k):
                self._apply_json(res, ops, shown)
        else:
            raise Unsupported("a patch that is neither one object nor a JSON patch", shown)

    @staticmethod
    def _json_ops(text: str, shown: str, offset: int) -> list[Any]:
        if text.startswith("["):
            try:
                ops = json.loads(text, parse_float=lambda t: _json_float(float(t)))
            except ValueError as exc:
                raise Unsupported("a JSON patch that does not parse", shown) from exc
            ops = _located(ops, shown, offset + 1)
        else:
            docs = _load(text, shown, v2=True, offset=offset)
            ops = docs[0] if len(docs) == 1 else None
        if not isinstance(ops, list):
            raise Unsupported("a JSON patch that is not a list of operations", shown)
        return ops

    def _patch_json6902(self, acc: list[_Res], entry: Any, index: int, k: _Kustomization) -> None:
        if not isinstance(entry, dict) or set(entry) - {"path", "patch", "target"}:
            raise Unsupported("a patchesJson6902 entry with unknown fields", k.shown)
        if not isinstance(entry.get("target"), dict):
            raise Unsupported("a patchesJson6902 entry without a target", k.shown)
        text, shown, offset = self._patch_text(k, entry, "patchesJson6902", index)
        ops = self._json_ops(text.strip(), shown, offset)
        for res in self._select(acc, entry["target"], k):
            self._apply_json(res, ops, shown)

    @staticmethod
    def _apply_json(res: _Res, ops: list[Any], where: str) -> None:
        before = res.cur_id()
        res.remember()
        _json_patch(res.doc, [_copy(op) for op in ops], where)
        _json_round_trip(res.doc, where)
        res.json_patched = True
        if not isinstance(res.doc.get("metadata"), dict) or res.cur_id() != before:
            raise Unsupported("a JSON patch that renames its target", where)
        annotations = _meta(res.doc).get("annotations")
        if isinstance(annotations, dict) and not all(
            isinstance(v, str) for v in annotations.values()
        ):
            raise Unsupported("a JSON patch that leaves annotations that are not strings", where)

    def _smp(self, acc: list[_Res], patch: Any, target: Any, k: _Kustomization) -> None:
        where = getattr(patch, "path", k.shown)
        try:
            patch = _check_resource(patch, where)
        except Unsupported as exc:
            raise Unsupported(f"a strategic merge patch: {exc.feature}", where) from exc
        if target is None:
            wanted = (
                patch["apiVersion"],
                patch["kind"],
                _meta(patch)["name"],
                str(_meta(patch).get("namespace") or ""),
            )
            selected = [r for r in acc if any(_same_id(i, wanted) for i in r.all_ids())]
            if len(selected) != 1:
                raise Unsupported(
                    f"a patch whose target {wanted[1]}/{wanted[2]} matches {len(selected)} objects",
                    where,
                )
        else:
            selected = self._select(acc, target, k)
            patch = _stringify_metadata(_copy(patch), where)
        for res in selected:
            merged = _strategic_merge(res.doc, _copy(patch), where)
            if merged is None:
                acc.remove(res)
            else:
                res.doc = merged

    def _select(self, acc: list[_Res], target: Any, k: _Kustomization) -> list[_Res]:
        """kustomize's ResMap.Select: regular expressions on ids, label and annotation
        selectors; original and current names and namespaces both count."""
        allowed = {
            "group", "version", "kind", "name", "namespace", "labelSelector",
            "annotationSelector",
        }  # fmt: skip
        if not isinstance(target, dict) or set(target) - allowed:
            raise Unsupported("a patch target with unknown fields", k.shown)
        regexes = {
            key: _name_regex(target.get(key), key, k.shown)
            for key in ("group", "version", "kind", "name", "namespace")
        }
        selectors = {}
        for key, field_name in (("labelSelector", "labels"), ("annotationSelector", "annotations")):
            text = target.get(key)
            if text not in (None, ""):
                if not isinstance(text, str):
                    raise Unsupported(f"a {key} that is not a string", k.shown)
                selectors[field_name] = _selector(text, k.shown)
        result = []
        for res in acc:
            original, current = res.ids[0], res.cur_id()

            def fits(key: str, *values: str) -> bool:
                regex = regexes[key]
                return regex is None or any(regex.fullmatch(v) for v in values)

            group, version = _split_gv(res.api_version)
            if not (
                fits(
                    "namespace",
                    _effective_ns(*original[:2], original[3]),
                    _effective_ns(*current[:2], current[3]),
                )
                and fits("name", original[2], current[2])
                and fits("group", group)
                and fits("version", version)
                and fits("kind", res.kind)
            ):
                continue
            meta = _meta(res.doc)
            if all(
                check(_string_map(meta.get(name), name, k.shown))
                for name, check in selectors.items()
            ):
                result.append(res)
        return result

    def _namespace(self, acc: list[_Res], namespace: str, k: _Kustomization) -> None:
        for res in acc:
            if res.kind in ("RoleBinding", "ClusterRoleBinding") and res.doc.get("subjects"):
                raise Unsupported("a namespace for role bindings with subjects", k.shown)
            if res.kind in (
                "APIService",
                "MutatingWebhookConfiguration",
                "ValidatingWebhookConfiguration",
            ) or (
                res.kind == "CustomResourceDefinition" and "conversion" in res.doc.get("spec", {})
            ):
                raise Unsupported(f"a namespace for a {res.kind}", k.shown)
            res.remember()
            meta = _meta(res.doc)
            if not _cluster_scoped(res.api_version, res.kind):
                _set(meta, "namespace", namespace)
            if res.kind == "Namespace":
                _set(meta, "name", namespace)
        ids = [r.cur_id() for r in acc]
        if len({(i[0], i[1], i[2], _effective_ns(*i[:2], i[3])) for i in ids}) != len(ids):
            raise Unsupported("a namespace that makes two ids equal", k.shown)

    def _labels(self, acc: list[_Res], label: Any, k: _Kustomization) -> None:
        allowed = {"pairs", "includeSelectors", "includeTemplates"}
        if not isinstance(label, dict) or set(label) - allowed:
            raise Unsupported("labels entries with fields outside pairs, includeSelectors and "
                              "includeTemplates", k.shown)  # fmt: skip
        pairs = _string_map(label.get("pairs"), "labels", k.shown)
        if label.get("includeSelectors"):
            specs: tuple[_FieldSpec, ...] = _COMMON_LABELS
        elif label.get("includeTemplates"):
            specs = _METADATA_LABELS
        else:
            specs = _METADATA_LABELS[:1]
        if pairs:
            self._apply_specs(acc, specs, pairs, k)

    @staticmethod
    def _apply_specs(
        acc: list[_Res], specs: tuple[_FieldSpec, ...], entries: dict[str, str], k: _Kustomization
    ) -> None:
        for res in acc:
            for spec in specs:
                if spec.applies(res.api_version, res.kind):
                    _walk_spec(
                        res.doc,
                        spec.parts(),
                        _set_entries(entries, k.shown),
                        create=spec.create,
                        where=k.shown,
                    )

    def _replicas(self, acc: list[_Res], entry: Any, k: _Kustomization) -> None:
        if not isinstance(entry, dict) or set(entry) - {"name", "count"}:
            raise Unsupported("a replicas entry with fields outside name and count", k.shown)
        name, count = entry.get("name"), entry.get("count")
        if not isinstance(name, str) or not isinstance(count, int) or isinstance(count, bool):
            raise Unsupported("a replicas entry without a name and an integer count", k.shown)
        found = False
        for res in acc:
            if res.kind in (
                "Deployment",
                "ReplicationController",
                "ReplicaSet",
                "StatefulSet",
            ) and (any(i[2] == name for i in res.all_ids())):
                found = True
                spec = res.doc.get("spec")
                if spec is None:
                    spec = _new_map(res.doc.path, res.doc.line)
                    _set(res.doc, "spec", spec)
                if not isinstance(spec, dict):
                    raise Unsupported("a workload whose spec is not a mapping", k.shown)
                if isinstance(spec, _Map) and "replicas" in spec.quoted:
                    _set(spec, "replicas", str(count), quoted=True)  # the node keeps its quotes
                else:
                    _set(spec, "replicas", count)
        if not found:
            raise Unsupported(f"replicas for {name}, which matches no workload", k.shown)

    def _images(self, acc: list[_Res], entry: Any, k: _Kustomization) -> None:
        allowed = {"name", "newName", "newTag", "digest", "tagSuffix"}
        if not isinstance(entry, dict) or set(entry) - allowed:
            raise Unsupported("an images entry with fields outside name, newName, newTag, "
                              "digest and tagSuffix", k.shown)  # fmt: skip
        if not all(isinstance(v, str) for v in entry.values()):
            raise Unsupported("an images entry whose values are not strings", k.shown)
        name = entry.get("name", "")
        if not _IMAGE_NAME.fullmatch(name):
            raise Unsupported(f"the image name {name!r}", k.shown)
        image = _Image(
            name,
            entry.get("newName", ""),
            entry.get("newTag", ""),
            entry.get("digest", ""),
            entry.get("tagSuffix", ""),
        )
        for res in acc:
            if res.kind == "CustomResourceDefinition":
                continue
            _legacy_images(res.doc, image, k.shown)
            for path in _IMAGE_SPECS:
                _walk_spec(
                    res.doc,
                    path.split("/"),
                    _update_image(image, k.shown),
                    create=False,
                    where=k.shown,
                )

    # the root's last steps

    def _hash_names(self, acc: list[_Res], where: str) -> None:
        for res in acc:
            if res.hash:
                if res.kind not in ("ConfigMap", "Secret"):
                    raise Unsupported(f"a hashed {res.kind}", where)
                suffix = _content_hash(res.doc, where)
                res.remember()
                _set(_meta(res.doc), "name", f"{res.name}-{suffix}")
                res.remember()

    def _fix_references(self, acc: list[_Res], where: str) -> None:
        """kustomize's name-reference fix for what was renamed (hashed ConfigMaps and Secrets),
        and a refusal where it would also rewrite references kept under the same name."""
        kinds = {r.kind for r in acc}
        for referrer in acc:
            if (
                referrer.kind in ("RoleBinding", "ClusterRoleBinding")
                and referrer.doc.get("subjects")
                and "ServiceAccount" in kinds
            ):
                raise Unsupported("role binding subjects next to service accounts", where)
            if (
                referrer.kind
                in (
                    "MutatingWebhookConfiguration",
                    "ValidatingWebhookConfiguration",
                    "APIService",
                )
                and "Service" in kinds
            ):
                raise Unsupported(f"a {referrer.kind} next to services", where)
            if referrer.kind == "Node" and "ConfigMap" in kinds:
                raise Unsupported("a Node next to config maps", where)
        renamed = {r.kind for r in acc if any(i[2] != r.name for i in r.ids)} & {
            "ConfigMap",
            "Secret",
        }
        for kind in sorted(renamed):
            candidates = [r for r in acc if r.kind == kind and r.api_version == "v1"]
            for referrer in acc:
                for spec in _ref_specs(kind):
                    if spec.applies(referrer.api_version, referrer.kind):
                        _walk_spec(
                            referrer.doc,
                            spec.parts()[:-1],
                            _rename(spec.parts()[-1], referrer, candidates, where),
                            create=False,
                            where=where,
                        )

    def _finish(self, res: _Res) -> None:
        """What kubectl's printing does: annotations become their source text, empty ones go."""
        where = res.doc.path
        meta = _meta(res.doc)
        annotations = meta.get("annotations")
        if annotations is not None and not isinstance(annotations, dict):
            raise Unsupported("annotations that are not a mapping", where)
        if annotations:
            raw = annotations.raw if isinstance(annotations, _Map) else None
            for key in list(annotations):
                if raw and key in raw and not res.json_patched:
                    annotations[key] = raw.pop(key)  # kubectl writes the source text back
                elif not isinstance(annotations[key], str):
                    raise Unsupported("annotations that are not strings", where)
        if not annotations:
            _delete(meta, "annotations")
        _check_output(res.doc, where)


def _located(value: Any, path: str, line: int) -> Any:
    """JSON values as located YAML nodes (the patch's first line stands for all of them)."""
    if isinstance(value, dict):
        result = _new_map(path, line)
        for key, item in value.items():
            _set(result, key, _located(item, path, line))
        return result
    if isinstance(value, list):
        return _new_list(path, line, [_located(v, path, line) for v in value])
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        raise Unsupported("a JSON patch with integers beyond 2^53", path)
    return value


def _legacy_images(node: Any, image: _Image, where: str) -> None:
    """kustomize's legacy image filter: every ``containers`` and ``initContainers`` list."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            _legacy_images(value, image, where)
            if key in ("containers", "initContainers") and isinstance(value, list):
                for item in value:
                    if not isinstance(item, dict):
                        raise Unsupported("a containers list whose items are not mappings", where)
                    if "image" in item:
                        _update_image_in(item, image, where)
    elif isinstance(node, list):
        for item in node:
            _legacy_images(item, image, where)


def _update_image_in(container: dict[Any, Any], image: _Image, where: str) -> None:
    value = container["image"]
    if isinstance(value, dict | list) or value is None:
        raise Unsupported("an image that is not a string", where)
    if not isinstance(value, str):
        raise Unsupported("an image that is not a string", where)
    updated = image.update(value)
    if updated != value:
        quoted = isinstance(container, _Map) and "image" in container.quoted
        if not quoted and _resolve(updated, False) != updated:
            raise Unsupported(f"the image {updated!r}, which YAML reads as a number", where)
        _set(container, "image", updated, quoted=quoted)


def _update_image(image: _Image, where: str) -> Callable[[Any], None]:
    def visit(container: Any) -> None:
        if not isinstance(container, dict):
            raise Unsupported("a containers list whose items are not mappings", where)
        if "image" in container:
            _update_image_in(container, image, where)

    return visit


def _rename(key: str, referrer: _Res, candidates: list[_Res], where: str) -> Callable[[Any], None]:
    """kustomize's nameref filter for one field: the referral with a matching name (any it has
    had) in the referrer's namespace gives its current name."""

    def choose(old: str) -> _Res | None:
        found = [c for c in candidates if any(i[2] == old for i in c.all_ids())]
        if not _cluster_scoped(referrer.api_version, referrer.kind):
            ns = _effective_ns(referrer.api_version, referrer.kind, referrer.namespace)
            found = [
                c
                for c in found
                if _cluster_scoped(c.api_version, c.kind)
                or _effective_ns(c.api_version, c.kind, c.namespace) == ns
            ]
        if len(found) > 1 and len({c.name for c in found}) > 1:
            raise Unsupported(f"a reference to {old} that matches several objects", where)
        return found[0] if found else None

    def rename(value: Any) -> Any:
        if isinstance(value, dict):
            raise Unsupported("a name reference held in a mapping", where)
        if not isinstance(value, str):
            return value
        chosen = choose(value)
        return chosen.name if chosen is not None else value

    def visit(node: Any) -> None:
        if not isinstance(node, dict) or key not in node:
            return
        value = node[key]
        if isinstance(value, list):
            for i, item in enumerate(value):
                value[i] = rename(item)
        elif value is not None:
            new = rename(value)
            if new != value:
                _set(node, key, new)

    return visit


def render(directory: Path, display: Callable[[Path], str] = str) -> list[YMap]:
    """The documents ``kubectl kustomize directory`` prints, rendered in-process.

    ``display`` names files in locations (default: the path as given). Raises
    :class:`Unsupported` for anything outside the subset the module docstring lists, and for
    anything kustomize would refuse, so the caller can hand the directory to kubectl.
    """
    return Renderer(display).render(directory)
