"""Grafana provisioning (datasource, dashboard provider) and the service dashboard, as data.

The dashboard is built on the metric names the runtime exports (:mod:`prodready.metrics.names`):
RED per route, health per check, and the process. Panel positions are computed here, two panels
per row, so no two panels overlap whatever panels are added.
"""

from __future__ import annotations

from typing import Any

from prodready.generate.targets.monitoring._plan import SCRAPE_INTERVAL, MonitoringPlan
from prodready.generate.targets.monitoring._prometheus import PROMETHEUS_PORT
from prodready.metrics import names as m

__all__ = [
    "DASHBOARDS_DIR",
    "DATASOURCE_UID",
    "HEALTH_STATES",
    "dashboard",
    "dashboard_provider",
    "dashboard_uid",
    "datasource",
]

DATASOURCE_UID = "prometheus"
# Where the compose service mounts deploy/monitoring/grafana/dashboards.
DASHBOARDS_DIR = "/var/lib/grafana/dashboards"
SCHEMA_VERSION = 39
_WIDTH = 12
_HEIGHT = 8
_DS = {"type": "prometheus", "uid": "${datasource}"}
_RATE = "$__rate_interval"
# health_check_status is a state set; the state-timeline shows one of these codes per check.
HEALTH_STATES: tuple[tuple[int, str, str], ...] = (
    (0, "healthy", "green"),
    (1, "degraded", "yellow"),
    (2, "unhealthy", "red"),
    (3, "unknown", "gray"),
)


def dashboard_uid(plan: MonitoringPlan) -> str:
    """Stable across regenerations (Grafana links survive), unique per service."""
    return f"{plan.service}-service"[:40]


def datasource() -> dict[str, Any]:
    """``provisioning/datasources/prometheus.yml``: the compose Prometheus, read-only in the UI."""
    return {
        "apiVersion": 1,
        "datasources": [
            {
                "name": "Prometheus",
                "uid": DATASOURCE_UID,
                "type": "prometheus",
                "access": "proxy",
                "url": f"http://prometheus:{PROMETHEUS_PORT}",
                "isDefault": True,
                "editable": False,
                "jsonData": {"timeInterval": SCRAPE_INTERVAL},
            }
        ],
    }


def dashboard_provider(plan: MonitoringPlan) -> dict[str, Any]:
    """``provisioning/dashboards/prodready.yml``: load the JSON files, never let the UI drift."""
    return {
        "apiVersion": 1,
        "providers": [
            {
                "name": f"{plan.service}-dashboards",
                "orgId": 1,
                "folder": plan.service,
                "type": "file",
                "disableDeletion": True,
                "allowUiUpdates": False,
                "updateIntervalSeconds": 30,
                "options": {"path": DASHBOARDS_DIR, "foldersFromFilesStructure": False},
            }
        ],
    }


def _target(expr: str, legend: str, ref: str = "A") -> dict[str, Any]:
    return {"refId": ref, "datasource": _DS, "expr": expr, "legendFormat": legend}


def _panel(
    title: str,
    description: str,
    targets: list[dict[str, Any]],
    *,
    unit: str,
    kind: str = "timeseries",
    mappings: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    defaults: dict[str, Any] = {"unit": unit}
    if mappings is not None:
        defaults["mappings"] = mappings
        defaults["color"] = {"mode": "thresholds"}
        defaults["thresholds"] = {
            "mode": "absolute",
            "steps": [{"color": "green", "value": None}],
        }
    return {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": _DS,
        "targets": targets,
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}},
    }


def _health_mappings() -> list[dict[str, Any]]:
    return [
        {
            "type": "value",
            "options": {
                str(code): {"text": name, "color": color, "index": code}
                for code, name, color in HEALTH_STATES
            },
        }
    ]


def _sections(plan: MonitoringPlan) -> list[tuple[str, list[dict[str, Any]]]]:
    routes = "|".join(plan.unscraped_routes)
    app = f'job="$job", route!~"{routes}"'
    job = 'job="$job"'
    requests = f"{m.HTTP_REQUESTS_TOTAL}{{{app}}}"
    errors = f'{m.HTTP_REQUESTS_TOTAL}{{{app}, status=~"5.."}}'
    buckets = f"{m.HTTP_REQUEST_DURATION_SECONDS}_bucket{{{app}}}"
    status = m.HEALTH_CHECK_STATUS
    state_code = " + ".join(
        f'{code} * max by (check) ({status}{{{job}, status="{name}"}})'
        for code, name, _ in HEALTH_STATES
        if code
    )
    red = [
        _panel(
            "Requests per second by route",
            "Rate of finished requests per route template (probe routes excluded).",
            [_target(f"sum by (route) (rate({requests}[{_RATE}]))", "{{route}}")],
            unit="reqps",
        ),
        _panel(
            "Error ratio by route",
            "Share of requests answered with a 5xx, per route template.",
            [
                _target(
                    f"sum by (route) (rate({errors}[{_RATE}]))\n/\n"
                    f"sum by (route) (rate({requests}[{_RATE}]))",
                    "{{route}}",
                )
            ],
            unit="percentunit",
        ),
        _panel(
            "Latency p95 by route",
            "95th percentile of the time to the last response byte, per route template.",
            [
                _target(
                    f"histogram_quantile(0.95, sum by (route, le) (rate({buckets}[{_RATE}])))",
                    "{{route}}",
                )
            ],
            unit="s",
        ),
        _panel(
            "Latency p50 / p99",
            "Median and 99th percentile over every route.",
            [
                _target(
                    f"histogram_quantile({q}, sum by (le) (rate({buckets}[{_RATE}])))",
                    f"p{int(q * 100)}",
                    ref,
                )
                for q, ref in ((0.5, "A"), (0.99, "B"))
            ],
            unit="s",
        ),
        _panel(
            "In-flight requests",
            "Requests being served right now, summed over instances and workers.",
            [_target(f"sum by (method) ({m.HTTP_REQUESTS_IN_PROGRESS}{{{job}}})", "{{method}}")],
            unit="short",
        ),
        _panel(
            "Exceptions by class",
            "Unhandled exceptions per second (each also counted as a 500).",
            [
                _target(
                    "sum by (exception) "
                    f"(rate({m.HTTP_REQUEST_EXCEPTIONS_TOTAL}{{{job}}}[{_RATE}]))",
                    "{{exception}}",
                )
            ],
            unit="short",
        ),
        _panel(
            "WebSocket connections",
            "Open WebSocket connections per route.",
            [
                _target(
                    f"sum by (route) ({m.WEBSOCKET_CONNECTIONS_ACTIVE}{{{job}}})",
                    "{{route}}",
                )
            ],
            unit="short",
        ),
    ]
    health = [
        _panel(
            "Health per check",
            "Current status of every dependency check (healthy, degraded, unhealthy, unknown).",
            [_target(state_code, "{{check}}")],
            unit="none",
            kind="state-timeline",
            mappings=_health_mappings(),
        ),
        _panel(
            "Health check latency p95",
            "How long each check takes; one close to its timeout is about to fail.",
            [
                _target(
                    "histogram_quantile(0.95, sum by (check, le) "
                    f"(rate({m.HEALTH_CHECK_DURATION_SECONDS}_bucket{{{job}}}[{_RATE}])))",
                    "{{check}}",
                )
            ],
            unit="s",
        ),
        _panel(
            "Health check failures by reason",
            "Unhealthy check runs per second, by check and reason.",
            [
                _target(
                    "sum by (check, reason) "
                    f"(rate({m.HEALTH_CHECK_FAILURES_TOTAL}{{{job}}}[{_RATE}]))",
                    "{{check}}: {{reason}}",
                )
            ],
            unit="short",
        ),
    ]
    process = [
        _panel(
            "Instances up",
            "Targets Prometheus can scrape.",
            [_target(f"sum(up{{{job}}})", "up")],
            unit="short",
        ),
        _panel(
            "CPU per instance",
            "CPU seconds used per second by each instance's process (single-process servers: "
            "prometheus_client's multiprocess mode exports no process metrics).",
            [_target(f"rate(process_cpu_seconds_total{{{job}}}[{_RATE}])", "{{instance}}")],
            unit="percentunit",
        ),
        _panel(
            "Resident memory per instance",
            "Resident set size of each instance's process (single-process servers only).",
            [_target(f"process_resident_memory_bytes{{{job}}}", "{{instance}}")],
            unit="bytes",
        ),
        _panel(
            "Open file descriptors",
            "Open file descriptors per instance, sockets included (single-process servers only).",
            [_target(f"process_open_fds{{{job}}}", "{{instance}}")],
            unit="short",
        ),
    ]
    return [("Traffic (RED)", red), ("Health", health), ("Process", process)]


def _layout(sections: list[tuple[str, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    panels: list[dict[str, Any]] = []
    y = 0
    next_id = 1
    for title, members in sections:
        panels.append(
            {
                "type": "row",
                "id": next_id,
                "title": title,
                "collapsed": False,
                "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
                "panels": [],
            }
        )
        next_id += 1
        y += 1
        for index, panel in enumerate(members):
            column = index % 2
            panels.append(
                {
                    "id": next_id,
                    **panel,
                    "gridPos": {"h": _HEIGHT, "w": _WIDTH, "x": column * _WIDTH, "y": y},
                }
            )
            next_id += 1
            if column == 1 or index == len(members) - 1:
                y += _HEIGHT
    return panels


def dashboard(plan: MonitoringPlan) -> dict[str, Any]:
    """The service dashboard (Grafana dashboard JSON model, schema version 39)."""
    return {
        "uid": dashboard_uid(plan),
        "title": f"{plan.service} service",
        "description": f"RED per route, health per check and process metrics of {plan.service}.",
        "tags": ["prodready", plan.service],
        "timezone": "browser",
        "editable": False,
        "graphTooltip": 1,
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "annotations": {"list": []},
        "links": [],
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Data source",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {"text": "Prometheus", "value": DATASOURCE_UID},
                    "hide": 0,
                },
                {
                    "name": "job",
                    "label": "Service",
                    "type": "query",
                    "datasource": _DS,
                    "query": {
                        "query": f"label_values({m.HTTP_REQUESTS_TOTAL}, job)",
                        "refId": "job",
                    },
                    "definition": f"label_values({m.HTTP_REQUESTS_TOTAL}, job)",
                    "current": {"text": plan.service, "value": plan.service},
                    "refresh": 1,
                    "hide": 0,
                },
            ]
        },
        "panels": _layout(_sections(plan)),
    }
