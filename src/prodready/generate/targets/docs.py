"""The ``docs`` target: ``docs/DEPLOYMENT.md`` and ``docs/RUNBOOK.md`` for the service.

Every fact in them is computed here from the spec, the catalogue, the runtime settings model and
the other targets' own builders: ports, variables, probe paths and timings, commands and alert
names come from the same functions that write the compose file, the manifests and the rules, so
the documents cannot name a port, a variable or an alert the deployment does not have. The
templates only lay the prepared rows out.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from prodready import _contract as contract
from prodready.catalog import Catalog, CatalogEntry, app_env, connection, default_catalog
from prodready.catalog import secret_names as stack_secret_names
from prodready.generate._model import Target
from prodready.generate._render import render_template
from prodready.generate.targets import ci, nginx
from prodready.generate.targets.docker import server_argv
from prodready.generate.targets.monitoring import alerts, plan_from_spec
from prodready.generate.targets.monitoring._compose import (
    GRAFANA_ADMIN_SECRET,
    GRAFANA_PORT,
)
from prodready.generate.targets.monitoring._compose import PROFILE as MONITORING_PROFILE
from prodready.generate.targets.monitoring._plan import COMPOSE_APP_SERVICE
from prodready.generate.targets.monitoring._prometheus import PROMETHEUS_PORT
from prodready.settings import _CHECKER_VARS as CONNECTION_SETTINGS
from prodready.settings import ServiceSettings
from prodready.spec import ServiceSpec

__all__ = ["DEPLOYMENT_PATH", "RUNBOOK_PATH", "TARGET", "backup_steps", "config_rows", "render"]

DEPLOYMENT_PATH = "docs/DEPLOYMENT.md"
RUNBOOK_PATH = "docs/RUNBOOK.md"
K8S_ROOT = "deploy/k8s"
# Logical dumps, per kind, run inside the service's own container (its tools, its env).
_DUMPS: dict[str, tuple[str, str, str]] = {
    "postgres": (
        "pg_dump -U {user} -d {database} --format=custom",
        "pg_restore -U {user} -d {database} --clean --if-exists",
        "dump",
    ),
    "mysql": (
        'sh -c \'exec mysqldump -u"$MYSQL_USER" -p"$MYSQL_PASSWORD" --single-transaction '
        '"$MYSQL_DATABASE"\'',
        'sh -c \'exec mysql -u"$MYSQL_USER" -p"$MYSQL_PASSWORD" "$MYSQL_DATABASE"\'',
        "sql",
    ),
    "mariadb": (
        'sh -c \'exec mariadb-dump -u"$MARIADB_USER" -p"$MARIADB_PASSWORD" '
        '--single-transaction "$MARIADB_DATABASE"\'',
        'sh -c \'exec mariadb -u"$MARIADB_USER" -p"$MARIADB_PASSWORD" "$MARIADB_DATABASE"\'',
        "sql",
    ),
    "mongodb": (
        'sh -c \'exec mongodump --username "$MONGO_INITDB_ROOT_USERNAME" --password '
        '"$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin --archive\'',
        'sh -c \'exec mongorestore --username "$MONGO_INITDB_ROOT_USERNAME" --password '
        '"$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin --archive --drop\'',
        "archive",
    ),
}


@dataclass(frozen=True)
class ConfigRow:
    name: str
    kind: str
    value: str
    source: str


@dataclass(frozen=True)
class BackupSteps:
    """How to back up and restore one stateful dependency, compose and Kubernetes (dev overlay)."""

    name: str
    kind: str
    method: str
    backup: str
    restore: str
    kubernetes_backup: str
    kubernetes_restore: str


_LABEL = re.compile(r"\{\{ \$labels\.(\w+) \}\}")


def plain_text(text: str) -> str:
    """Alert text for a document: Prometheus label templates become words naming the label."""
    return _LABEL.sub(lambda match: f"the `{match.group(1)}` in the alert's labels", text)


def _code(value: str) -> str:
    return f"`{value}`" if value else "(empty)"


def config_rows(spec: ServiceSpec, *, catalog: Catalog | None = None) -> tuple[ConfigRow, ...]:
    """Every variable the app or the stack reads: runtime settings, spec env and secrets,
    connection URLs derived from the backing services, and the stack's own secrets."""
    cat = catalog if catalog is not None else default_catalog()
    derived = app_env(spec, catalog=cat)
    rows: dict[str, ConfigRow] = {}
    for field_name, field in ServiceSettings.model_fields.items():
        name = field_name.upper()
        if field_name in CONNECTION_SETTINGS:
            # Connection settings appear below, derived from the spec's backing services.
            continue
        secret = field.annotation is not None and SecretStr in getattr(
            field.annotation, "__args__", (field.annotation,)
        )
        default = field.get_default(call_default_factory=True)
        value = "unset" if default is None else _code(str(default))
        rows[name] = ConfigRow(
            name, "secret" if secret else "setting", value, "runtime setting (prodready.settings)"
        )
    for name, value in sorted(spec.env.items()):
        rows[name] = ConfigRow(name, "setting", _code(value), "spec `env`")
    for name in spec.secrets:
        rows[name] = ConfigRow(name, "secret", "set outside the repository", "spec `secrets`")
    owners = {
        key: service
        for service in spec.services
        for key in cat.get(spec.services[service].kind).app_env(
            connection(spec, service, catalog=cat)
        )
    }
    for name, value in sorted(derived.items()):
        rows[name] = ConfigRow(
            name, "derived", _code(value), f"backing service `{owners[name]}` (catalogue)"
        )
    for name in stack_secret_names(spec, catalog=cat):
        if name not in rows:
            rows[name] = ConfigRow(
                name, "secret", "random in the local `.env`", "backing-service password"
            )
    rows[GRAFANA_ADMIN_SECRET] = ConfigRow(
        GRAFANA_ADMIN_SECRET, "secret", "set in `.env`", "Grafana (monitoring profile)"
    )
    return tuple(rows.values())


def _volume_steps(spec: ServiceSpec, name: str, entry: CatalogEntry) -> BackupSteps:
    data = entry.data_path or ""
    archive = f"{name}-data.tgz"
    run = f'docker compose run --rm --no-deps -v "$PWD":/backup --entrypoint sh {name} -c'
    return BackupSteps(
        name=name,
        kind=entry.kind,
        method=f"copy of the data directory `{data}` (volume `{name}-data`) while stopped",
        backup=f"docker compose stop {name}\n"
        f"{run} 'tar czf /backup/{archive} -C {data} .'\n"
        f"docker compose start {name}",
        restore=f"docker compose stop {COMPOSE_APP_SERVICE} {name}\n"
        f"{run} 'find {data} -mindepth 1 -delete && tar xzf /backup/{archive} -C {data}'\n"
        f"docker compose up -d --wait",
        kubernetes_backup=f"`kubectl -n {spec.name} scale statefulset/{name} --replicas=0`, "
        f"snapshot the PersistentVolumeClaim the StatefulSet `{name}` mounts "
        f"(a VolumeSnapshot), then `kubectl -n {spec.name} scale statefulset/{name} --replicas=1`",
        kubernetes_restore="scale it to 0 the same way, delete that PersistentVolumeClaim, "
        "recreate it with the VolumeSnapshot as its `dataSource`, then "
        f"`kubectl -n {spec.name} scale statefulset/{name} --replicas=1`",
    )


def backup_steps(spec: ServiceSpec, *, catalog: Catalog | None = None) -> tuple[BackupSteps, ...]:
    """Backup and restore for every backing service that keeps data (``data_path``)."""
    cat = catalog if catalog is not None else default_catalog()
    steps: list[BackupSteps] = []
    for name in sorted(spec.services):
        entry = cat.get(spec.services[name].kind)
        if entry.data_path is None:
            continue
        dump = _DUMPS.get(entry.kind)
        if dump is None:
            steps.append(_volume_steps(spec, name, entry))
            continue
        conn = connection(spec, name, catalog=cat)
        backup, restore, suffix = (
            part.format(user=conn.user, database=conn.database) for part in dump
        )
        file = f"{name}.{suffix}"
        pod = f"kubectl -n {spec.name} exec -i statefulset/{name} --"
        steps.append(
            BackupSteps(
                name=name,
                kind=entry.kind,
                method="logical dump with the server's own tools (consistent while running)",
                backup=f"docker compose exec -T {name} {backup} > {file}",
                restore=f"docker compose exec -T {name} {restore} < {file}",
                kubernetes_backup=f"`{pod} {backup} > {file}`",
                kubernetes_restore=f"`{pod} {restore} < {file}`",
            )
        )
    return tuple(steps)


def _diagram(spec: ServiceSpec, catalog: Catalog) -> list[str]:
    plan = plan_from_spec(spec, catalog=catalog)
    lines = [
        "flowchart LR",
        f'  client([clients]) -->|":{nginx.LISTEN_PORT}"| nginx[nginx edge]',
        f'  nginx -->|":{spec.port}"| {COMPOSE_APP_SERVICE}["{spec.name} web"]',
    ]
    for name in sorted(spec.processes):
        lines.append(f'  {name}["{spec.name} {name}"]')
    for name in sorted(spec.services):
        entry = catalog.get(spec.services[name].kind)
        lines.append(f'  {name}[("{name}: {entry.description or entry.kind}")]')
        lines.append(f'  {COMPOSE_APP_SERVICE} -->|":{entry.port}"| {name}')
        for process in sorted(spec.processes):
            lines.append(f"  {process} --> {name}")
    lines.append(f'  prometheus[(Prometheus)] -.->|"{plan.metrics_path}"| {COMPOSE_APP_SERVICE}')
    for exporter in plan.exporters:
        lines.append(f'  prometheus -.->|"{exporter.address}"| {exporter.job}')
    lines.append("  grafana[Grafana] -.-> prometheus")
    return lines


def _migrations(spec: ServiceSpec) -> list[dict[str, Any]]:
    """The Migrations section: how the spec's command runs once per release, or that none does."""
    if spec.migrate is None:
        return [
            {
                "text": "The spec declares no migration command, so neither compose nor the "
                "Kubernetes manifests run one. Add `migrate` to the spec to get a one-shot "
                "`migrate` service and a migration Job.",
                "code": [],
            }
        ]
    ns = spec.name
    return [
        {
            "text": f"Migrations (`{spec.migrate}`) run once per release, never in every "
            "replica. With compose, the one-shot `migrate` service runs before the app starts; "
            "to run it by hand:",
            "code": ["docker compose run --rm migrate"],
        },
        {
            "text": f"On Kubernetes the migration is the Job `{ns}-migrate`; its template is "
            "immutable, so each release deletes the finished Job and applies again (the "
            "pipeline's deploy job does this):",
            "code": [
                f"kubectl -n {ns} delete job/{ns}-migrate --ignore-not-found\n"
                f"kubectl apply -k {K8S_ROOT}/overlays/prod\n"
                f"kubectl -n {ns} wait --for=condition=complete job/{ns}-migrate --timeout=10m"
            ],
        },
    ]


def _context(spec: ServiceSpec) -> dict[str, Any]:
    catalog = default_catalog()
    plan = plan_from_spec(spec, catalog=catalog)
    edge = nginx.plan_from_spec(spec)
    every_alert = alerts(plan)
    services = []
    for name in sorted(spec.services):
        service = spec.services[name]
        entry = catalog.get(service.kind)
        conn = connection(spec, name, catalog=catalog)
        services.append(
            {
                "name": name,
                "kind": entry.description or entry.kind,
                "image": entry.image_ref(service.version, service.extensions),
                "port": entry.port,
                "health": ci.shell_command(entry.health_command(conn)),
                "stateful": "yes" if entry.data_path else "no",
            }
        )
    ports = [
        (
            f"{spec.name} (web)",
            str(spec.port),
            f"`127.0.0.1:{spec.port}` in compose; Service port `http` on Kubernetes",
        ),
        (
            "nginx edge",
            str(nginx.LISTEN_PORT),
            f"published on every interface (profile `{nginx.PROFILE}`)",
        ),
        ("Prometheus", str(PROMETHEUS_PORT), f"`127.0.0.1` only (profile `{MONITORING_PROFILE}`)"),
        ("Grafana", str(GRAFANA_PORT), f"`127.0.0.1` only (profile `{MONITORING_PROFILE}`)"),
        *((s["name"], str(s["port"]), "internal network `backend` only") for s in services),
        *(
            (f"{e.job} metrics", e.address.rpartition(":")[2], f"scraped at `{e.address}`")
            for e in plan.exporters
        ),
    ]
    probes = [
        (
            "startup",
            spec.probes.startup,
            "the app has started and its checks have run once; until then liveness and "
            "readiness are not asked",
            f"every {spec.probes.period_s} s, "
            f"up to {spec.probes.startup_failure_threshold} failures",
        ),
        (
            "liveness",
            spec.probes.liveness,
            "the process answers; never checks dependencies, so an outage does not restart pods",
            f"every {spec.probes.period_s} s, timeout {spec.probes.timeout_s} s",
        ),
        (
            "readiness",
            spec.probes.readiness,
            "every critical dependency check passes (cached, refreshed every "
            f"{contract.REFRESH_INTERVAL_S:g} s); 503 while draining after SIGTERM",
            f"every {spec.probes.period_s} s, timeout {spec.probes.timeout_s} s",
        ),
        (
            "components",
            contract.COMPONENTS_PATH,
            "per-check detail: status, reason, latency (details only with the health token "
            "outside development)",
            "on demand",
        ),
        ("metrics", spec.metrics_path, "Prometheus exposition; scraped every 15 s", "Prometheus"),
    ]
    ns = spec.name
    return {
        "service": spec.name,
        "app": spec.app,
        "python": spec.python,
        "server": spec.server.kind,
        "workers": spec.workers,
        "server_command": shlex.join(server_argv(spec)),
        "port": spec.port,
        "namespace": ns,
        "replicas": spec.replicas,
        "autoscaling": (
            f"HPA between {spec.autoscaling.min_replicas} and {spec.autoscaling.max_replicas} "
            f"replicas at {spec.autoscaling.cpu_percent} % CPU"
            if spec.autoscaling is not None
            else f"fixed at {spec.replicas} replicas (no autoscaling in the spec)"
        ),
        "resources": spec.resources,
        "memory_per_worker": spec.server.memory_per_worker,
        "config_rows": config_rows(spec, catalog=catalog),
        "services": services,
        "ports": ports,
        "probes": probes,
        "alerts": [
            {
                "name": alert.name,
                "anchor": alert.name.lower(),
                "severity": alert.severity,
                "for_": alert.for_,
                "summary": plain_text(alert.summary),
                "description": plain_text(alert.description),
                "steps": alert.steps,
                "scope": "Kubernetes" if alert.scope == "kubernetes" else "compose and Kubernetes",
            }
            for alert in every_alert
        ],
        "backups": backup_steps(spec, catalog=catalog),
        "unmonitored": plan.unmonitored,
        "diagram": _diagram(spec, catalog),
        "processes": sorted(spec.processes),
        "migrations": _migrations(spec),
        "k8s_root": K8S_ROOT,
        "workflow": ci.WORKFLOW_PATH,
        "deploy_overlay": ci.DEPLOY_OVERLAY,
        "edge_port": nginx.LISTEN_PORT,
        "edge_profile": nginx.PROFILE,
        "edge_rate": edge.rate_per_s,
        "edge_burst": edge.burst,
        "edge_body": edge.max_body_size,
        "monitoring_profile": MONITORING_PROFILE,
        "prometheus_port": PROMETHEUS_PORT,
        "grafana_port": GRAFANA_PORT,
        "grafana_secret": GRAFANA_ADMIN_SECRET,
        "dashboard": f"deploy/monitoring/grafana/dashboards/{spec.name}.json",
        "slo_availability": f"{plan.slo.availability * 100:g} %",
        "slo_latency": f"{plan.slo.latency_target * 100:g} % "
        f"within {plan.slo.latency_threshold_s:g} s",
        "grace_s": contract.TERMINATION_GRACE_PERIOD_S,
        "drain_s": f"{contract.DRAIN_DELAY_S:g}",
        "graceful_s": spec.server.graceful_timeout_s,
    }


def render(spec: ServiceSpec) -> dict[str, str]:
    """The target's pure render function."""
    context = _context(spec)
    return {
        DEPLOYMENT_PATH: render_template("DEPLOYMENT.md.j2", **context),
        RUNBOOK_PATH: render_template("RUNBOOK.md.j2", **context),
    }


TARGET = Target(
    name="docs",
    render=render,
    description="docs/DEPLOYMENT.md and docs/RUNBOOK.md with the service's real values",
)
