"""PR402: an env value names a host that no Service or compose service defines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from prodready.lint._facts import hosts_in_env
from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.loaders._yaml import as_list
from prodready.lint.rules._common import containers


def _compose_names(project: Project) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for compose in project.compose_files:
        known = names.setdefault(str(PurePath(compose.path).parent), set())
        for service in compose.services.values():
            known.add(service.name.lower())
            for key in ("container_name", "hostname"):
                if service.config.get(key):
                    known.add(str(service.config[key]).lower())
            networks = service.config.get("networks")
            if isinstance(networks, dict):
                for net in networks.values():
                    if isinstance(net, dict):
                        known.update(str(a).lower() for a in as_list(net.get("aliases")))
            for link in as_list(service.config.get("links")):
                known.add(str(link).split(":")[-1].lower())
            for extra in as_list(service.config.get("extra_hosts")):
                known.add(str(extra).split(":")[0].split("=")[0].lower())
            if service.config.get("network_mode") == "host":
                known.add("*")
    return names


def _check(project: Project) -> Iterator[Hit]:
    for group in project.groups:
        services = {o.name.lower() for o in group.of_kind("Service")}
        namespaces = {o.namespace or "default" for o in group.objects}
        if not services:
            continue  # nothing to compare with: the Services live elsewhere
        for _, container in ((g, c) for g, c in containers(project, init=True) if g is group):
            for i, env in enumerate(as_list(container.get("env"))):
                if not isinstance(env, dict) or not isinstance(env.get("value"), str):
                    continue
                for host in hosts_in_env(str(env.get("name", "")), env["value"]):
                    name, _, namespace = host.partition(".")
                    if namespace and namespace not in namespaces:
                        continue  # another namespace (an operator's, a shared one): not ours to see
                    if name not in services:
                        yield Hit(
                            f"container '{container.name}': {env.get('name')} points at '{name}', "
                            "but no Service of that name is defined here",
                            container.at("env", i),
                        )
    known_by_dir = _compose_names(project)
    for compose in project.compose_files:
        known = known_by_dir.get(str(PurePath(compose.path).parent), set())
        if "*" in known:
            continue
        for service in compose.services.values():
            for name, env in service.env.items():
                for host in hosts_in_env(name, env.value):
                    host = host.partition(".")[0]
                    if host not in known:
                        yield Hit(
                            f"service '{service.name}': {name} points at '{host}', but no compose "
                            "service, alias or hostname of that name exists",
                            env.location,
                        )


RULE = Rule(
    id="PR402",
    slug="env-host-undefined",
    layer=Layer.CROSSFILE,
    severity=Severity.WARNING,
    summary="An environment value names a host that no Service or compose service defines.",
    rationale=(
        "DNS lookups for the name fail at run time: the app cannot reach its dependency, usually "
        "only after deploy."
    ),
    fix=(
        "Use the name of the Service / compose service (or add it), or set the host from "
        "configuration."
    ),
    check=_check,
)
