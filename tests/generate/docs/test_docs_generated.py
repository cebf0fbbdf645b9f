"""The docs target: golden files, and every port, variable, command and alert is a real one."""

from __future__ import annotations

import os
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from prodready.catalog import default_catalog, secret_names
from prodready.generate.targets import compose, docs, kubernetes, monitoring, nginx
from prodready.spec import ServiceSpec, load_spec, parse_spec

SPECS = Path(__file__).parent.parent / "monitoring" / "specs"
SPEC_NAMES = tuple(sorted(path.stem for path in SPECS.glob("*.toml")))
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
# Golden files pin the test specs; the property tests also run on the reference services.
CASES = SPEC_NAMES + tuple(
    sorted(f"example:{path.parent.name}" for path in EXAMPLES.glob("*/pyproject.toml"))
)
GOLDEN = Path(__file__).parent / "golden"
PLACEHOLDERS = re.compile(
    r"TODO|TBD|FIXME|XXX|lorem|changeme|change[-_ ]?this|your[-_]"
    r"|\{\{|\}\}|\{%|<[a-z][a-z0-9 _-]*>",
    re.IGNORECASE,
)


def _spec(name: str) -> ServiceSpec:
    if name.startswith("example:"):
        return load_spec(EXAMPLES / name.removeprefix("example:"))
    with (SPECS / f"{name}.toml").open("rb") as handle:
        return parse_spec(tomllib.load(handle))


def _docs(name: str) -> tuple[str, str]:
    files = docs.render(_spec(name))
    return files[docs.DEPLOYMENT_PATH], files[docs.RUNBOOK_PATH]


def _compose_services(spec: ServiceSpec) -> dict[str, Any]:
    services: dict[str, Any] = dict(compose.compose_document(spec)["services"])
    services.update(monitoring.compose_services(spec))
    services.update(nginx.compose_services(spec))
    return services


def _k8s(spec: ServiceSpec) -> set[tuple[str, str, str]]:
    """(kind, namespace, name) of every object the Kubernetes target writes."""
    found = set()
    for text in kubernetes.TARGET.render(spec).values():
        for doc in yaml.safe_load_all(text):
            if doc and "metadata" in doc:
                meta = doc["metadata"]
                found.add((doc["kind"].lower(), meta.get("namespace", ""), meta["name"]))
    return found


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_docs_match_golden(name: str) -> None:
    files = docs.render(_spec(name))
    for path, text in files.items():
        golden = GOLDEN / name / Path(path).name
        if os.environ.get("PRODREADY_UPDATE_GOLDEN") == "1":
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert golden.read_text(encoding="utf-8") == text, path


@pytest.mark.parametrize("name", CASES)
def test_docs_contain_no_placeholder_text(name: str) -> None:
    for text in _docs(name):
        found = PLACEHOLDERS.findall(text)
        assert found == [], found


@pytest.mark.parametrize("name", CASES)
def test_runbook_has_incident_steps_for_exactly_the_alerts_in_the_rules(name: str) -> None:
    spec = _spec(name)
    files = monitoring.render(spec)
    groups = yaml.safe_load(files[f"{monitoring.ROOT}/kubernetes/prometheusrule.yaml"])["spec"][
        "groups"
    ]
    rule_alerts = {rule["alert"] for group in groups for rule in group["rules"] if "alert" in rule}
    _, runbook = _docs(name)
    incidents = runbook.split("## Incidents", 1)[1].split("## Backup and restore", 1)[0]
    headings = set(re.findall(r"^### (\w+)$", incidents, re.MULTILINE))
    assert headings == rule_alerts
    for alert in rule_alerts:
        assert f"](#{alert.lower()})" in runbook  # the table links to the heading's anchor


@pytest.mark.parametrize("name", CASES)
def test_configuration_table_lists_every_variable_the_stack_reads(name: str) -> None:
    spec = _spec(name)
    deployment, _ = _docs(name)
    table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", deployment, re.MULTILINE))
    app_env = set(compose.compose_document(spec)["services"]["app"]["environment"])
    assert app_env <= table
    assert set(secret_names(spec)) <= table
    grafana = monitoring.compose_services(spec)["grafana"]["environment"]
    referenced = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", str(grafana)))
    assert referenced <= table


@pytest.mark.parametrize("name", CASES)
def test_ports_table_matches_the_compose_services_and_catalogue(name: str) -> None:
    spec = _spec(name)
    _, runbook = _docs(name)
    section = runbook.split("## Ports", 1)[1].split("## Probes", 1)[0]
    rows = dict(re.findall(r"^\| ([^|]+?) \| (\d+) \|", section, re.MULTILINE))
    services = _compose_services(spec)
    published = {
        int(port.rsplit(":", 1)[1])
        for service in services.values()
        for port in service.get("ports", [])
    }
    assert int(rows[f"{spec.name} (web)"]) == spec.port
    for component in ("nginx edge", "Prometheus", "Grafana"):
        assert int(rows[component]) in published
    catalog = default_catalog()
    for service_name, service in spec.services.items():
        assert int(rows[service_name]) == catalog.get(service.kind).port


@pytest.mark.parametrize("name", CASES)
def test_probe_paths_are_the_spec_probes(name: str) -> None:
    spec = _spec(name)
    _, runbook = _docs(name)
    for path in (
        spec.probes.startup,
        spec.probes.liveness,
        spec.probes.readiness,
        spec.metrics_path,
    ):
        assert f"| `{path}` |" in runbook


_COMPOSE_CMD = re.compile(r"docker compose [^`\n]*")
_GLOBAL_VALUE_OPTIONS = frozenset({"-f", "--profile"})
_VALUE_OPTIONS = frozenset({"-v", "-e", "--entrypoint", "--since"})
_ONE_SERVICE = frozenset({"exec", "run"})
_MANY_SERVICES = frozenset({"stop", "start", "ps", "logs"})


def compose_service_refs(text: str) -> list[str]:
    """Every service a ``docker compose`` command line in ``text`` names."""
    refs: list[str] = []
    for command in _COMPOSE_CMD.findall(text):
        words = shlex.split(command.split("#", 1)[0])[2:]
        verb: str | None = None
        index = 0
        while index < len(words):
            word = words[index]
            if word in (_GLOBAL_VALUE_OPTIONS if verb is None else _VALUE_OPTIONS):
                index += 2
                continue
            if word.startswith("-"):
                index += 1
                continue
            if verb is None:
                verb = word
            elif verb in _ONE_SERVICE:
                refs.append(word)
                break
            elif verb in _MANY_SERVICES:
                refs.append(word)
            else:
                break
            index += 1
    return refs


_KUBECTL_NS = re.compile(r"kubectl -n (\S+)")
_KUBECTL_REF = re.compile(r"\b(deployment|statefulset|job)/([a-z0-9-]+)")


@pytest.mark.parametrize("name", CASES)
def test_every_command_names_a_service_or_object_the_deployment_has(name: str) -> None:
    spec = _spec(name)
    services = _compose_services(spec)
    objects = _k8s(spec)
    text = "\n".join(_docs(name))
    compose_refs = compose_service_refs(text)
    assert len(compose_refs) >= 6
    for service in compose_refs:
        assert service in services, service
    assert set(_KUBECTL_NS.findall(text)) == {spec.name}
    namespaces = {ns for _, ns, _ in objects if ns}
    assert namespaces == {spec.name}
    for kind, ref in _KUBECTL_REF.findall(text):
        assert (kind, spec.name, ref) in objects, f"{kind}/{ref}"


def test_docs_without_migrations_say_so_instead_of_inventing_a_command() -> None:
    deployment, _ = _docs("immune-core")
    assert "The spec declares no migration command" in deployment
    section = deployment.split("## Migrations", 1)[1].split("## Verifying", 1)[0]
    assert "-migrate" not in section
    assert "job/" not in section


@pytest.mark.parametrize("name", CASES)
def test_backups_cover_exactly_the_stateful_dependencies(name: str) -> None:
    spec = _spec(name)
    catalog = default_catalog()
    stateful = {n for n, s in spec.services.items() if catalog.get(s.kind).data_path is not None}
    assert {step.name for step in docs.backup_steps(spec)} == stateful
    _, runbook = _docs(name)
    for service_name in stateful:
        assert f"### {service_name} (" in runbook.split("## Backup and restore", 1)[1]
