"""PR406: an Ingress backend naming a missing Service or Service port."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.lint._model import Hit, Layer, Location, Rule, Severity
from prodready.lint.loaders import K8sObject, Project
from prodready.lint.loaders._yaml import as_dict, as_list


def _backends(ing: K8sObject) -> Iterator[tuple[str, Any, Location]]:
    default = ing.spec.get("defaultBackend") or ing.spec.get("backend")
    if isinstance(default, dict):
        yield (
            *_target(default),
            ing.at("spec", "defaultBackend" if "defaultBackend" in ing.spec else "backend"),
        )
    for r, rule in enumerate(as_list(ing.spec.get("rules"))):
        http = rule.get("http") if isinstance(rule, dict) else None
        for p, path in enumerate(as_list(http.get("paths")) if isinstance(http, dict) else []):
            backend = path.get("backend") if isinstance(path, dict) else None
            if isinstance(backend, dict):
                yield *_target(backend), ing.at("spec", "rules", r, "http", "paths", p, "backend")


def _target(backend: dict[str, Any]) -> tuple[str, Any]:
    if isinstance(backend.get("service"), dict):
        svc = backend["service"]
        port = as_dict(svc.get("port"))
        return str(svc.get("name", "")), port.get("number", port.get("name")) if isinstance(
            port, dict
        ) else None
    return str(backend.get("serviceName", "")), backend.get("servicePort")


def _check(project: Project) -> Iterator[Hit]:
    for group in project.groups:
        for ing in group.of_kind("Ingress"):
            for name, port, where in _backends(ing):
                if not name:
                    continue
                svc = group.find("Service", name, ing.namespace)
                if svc is None:
                    yield Hit(
                        f"Ingress '{ing.name}' routes to Service '{name}', which is not defined "
                        f"here",
                        where,
                    )
                    continue
                ports = [p for p in as_list(svc.spec.get("ports")) if isinstance(p, dict)]
                known = {str(p.get("port")) for p in ports} | {
                    str(p.get("name")) for p in ports if p.get("name")
                }
                if port is not None and str(port) not in known:
                    yield Hit(
                        f"Ingress '{ing.name}' uses port {port} of Service '{name}', which has no "
                        f"such port",
                        where,
                    )


RULE = Rule(
    id="PR406",
    slug="ingress-backend-undefined",
    layer=Layer.CROSSFILE,
    severity=Severity.ERROR,
    summary="An Ingress routes to a Service, or a Service port, that the manifests do not define.",
    rationale="The ingress controller answers 503 for the route; nothing fails at apply time.",
    fix="Use an existing Service name and one of its 'port' numbers or names.",
    check=_check,
)
