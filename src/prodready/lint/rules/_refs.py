"""Where pods reference ConfigMaps and Secrets (for PR407 and PR408)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from prodready.lint._model import Location
from prodready.lint.loaders import K8sGroup, Project
from prodready.lint.loaders._yaml import as_list
from prodready.lint.rules._common import workloads

__all__ = ["Ref", "references"]


@dataclass(frozen=True)
class Ref:
    kind: str  # "ConfigMap" or "Secret"
    name: str
    key: str | None
    optional: bool
    namespace: str | None
    location: Location
    who: str


def references(project: Project) -> Iterator[tuple[K8sGroup, Ref]]:
    for group, workload in workloads(project):
        ns = workload.obj.namespace
        for c in workload.containers(init=True):
            who = f"container '{c.name}'"
            for i, env in enumerate(as_list(c.get("env"))):
                source = env.get("valueFrom") if isinstance(env, dict) else None
                if not isinstance(source, dict):
                    continue
                for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                    ref = source.get(key)
                    if isinstance(ref, dict) and ref.get("name"):
                        yield (
                            group,
                            Ref(
                                kind,
                                str(ref["name"]),
                                str(ref.get("key", "")) or None,
                                ref.get("optional") is True,
                                ns,
                                c.at("env", i),
                                who,
                            ),
                        )
            for i, src in enumerate(as_list(c.get("envFrom"))):
                if not isinstance(src, dict):
                    continue
                for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                    ref = src.get(key)
                    if isinstance(ref, dict) and ref.get("name"):
                        yield (
                            group,
                            Ref(
                                kind,
                                str(ref["name"]),
                                None,
                                ref.get("optional") is True,
                                ns,
                                c.at("envFrom", i),
                                who,
                            ),
                        )
        volumes = as_list(workload.pod_spec.get("volumes"))
        for i, vol in enumerate(volumes):
            if not isinstance(vol, dict):
                continue
            where = workload.obj.at(*workload.template_keys, "spec", "volumes", i)
            who = f"volume '{vol.get('name')}'"
            cm, secret = vol.get("configMap"), vol.get("secret")
            sources = [(cm, "ConfigMap", "name"), (secret, "Secret", "secretName")]
            projected = vol.get("projected")
            if isinstance(projected, dict):
                for s in as_list(projected.get("sources")):
                    if isinstance(s, dict):
                        sources += [
                            (s.get("configMap"), "ConfigMap", "name"),
                            (s.get("secret"), "Secret", "name"),
                        ]
            for spec, kind, field in sources:
                if isinstance(spec, dict) and spec.get(field):
                    optional = spec.get("optional") is True
                    items = [
                        it.get("key") for it in as_list(spec.get("items")) if isinstance(it, dict)
                    ]
                    yield group, Ref(kind, str(spec[field]), None, optional, ns, where, who)
                    for item in items:
                        if item:
                            yield (
                                group,
                                Ref(kind, str(spec[field]), str(item), optional, ns, where, who),
                            )
