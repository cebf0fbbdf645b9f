"""The monitoring target: golden files, promtool, rule behaviour, dashboard structure."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from monitoring_support import ALL_CASES, SPEC_NAMES, check_golden, load_spec  # type: ignore[import-not-found]

from prodready.errors import SpecError
from prodready.generate.targets import monitoring
from prodready.generate.targets.monitoring import _grafana, _rules
from prodready.generate.targets.monitoring._plan import MonitoringPlan, Slo

GOLDEN = Path(__file__).parent / "golden"
PROMTOOL = shutil.which("promtool")


def _write(files: dict[str, str], root: Path) -> Path:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root / monitoring.ROOT


def _promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if PROMTOOL is None:
        pytest.fail(
            "promtool is missing: run scripts/install-test-deps (Debian package prometheus)"
        )
    return subprocess.run(
        [PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_monitoring_files_match_golden(name: str) -> None:
    check_golden(monitoring.render(load_spec(name)), GOLDEN / name)


@pytest.mark.parametrize("name", ALL_CASES)
def test_prometheus_config_and_rules_pass_promtool(name: str, tmp_path: Path) -> None:
    root = _write(monitoring.render(load_spec(name)), tmp_path)
    config = _promtool("check", "config", "prometheus.yml", cwd=root)
    assert config.returncode == 0, config.stdout + config.stderr
    rules = _promtool("check", "rules", *(str(p) for p in (root / "rules").glob("*.yml")), cwd=root)
    assert rules.returncode == 0, rules.stdout + rules.stderr


@pytest.mark.parametrize("name", ALL_CASES)
def test_prometheus_rule_groups_pass_promtool(name: str, tmp_path: Path) -> None:
    root = _write(monitoring.render(load_spec(name)), tmp_path)
    document = yaml.safe_load((root / "kubernetes/prometheusrule.yaml").read_text())
    (tmp_path / "operator-rules.yml").write_text(
        yaml.safe_dump({"groups": document["spec"]["groups"]})
    )
    result = _promtool("check", "rules", "operator-rules.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def _series(name: str, labels: dict[str, str], values: str) -> dict[str, str]:
    rendered = ", ".join(f'{key}="{value}"' for key, value in labels.items())
    return {"series": f"{name}{{{rendered}}}", "values": values}


def test_alerts_fire_on_the_conditions_they_name(tmp_path: Path) -> None:
    """promtool runs the real rules against synthetic series: each alert fires when it should."""
    root = _write(monitoring.render(load_spec("shop")), tmp_path)
    job = {"job": "shop", "instance": "10.0.0.1:8000"}
    ok = {**job, "method": "GET", "route": "/items/{id}", "status": "200"}
    failed = {**ok, "status": "500"}
    probe = {**ok, "route": "/health/ready", "status": "503"}
    check = {**job, "check": "postgres"}
    tests = {
        "rule_files": [str(p) for p in sorted((root / "rules").glob("*.yml"))],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [
                    # 10 % of user requests fail: 100x the 0.1 % budget.
                    _series("http_requests_total", ok, "0+90x120"),
                    _series("http_requests_total", failed, "0+10x120"),
                    # Readiness answering 503 must not count against the objective.
                    _series("http_requests_total", probe, "0+1000x120"),
                    _series("up", job, "1x120"),
                ],
                "alert_rule_test": [
                    {
                        "eval_time": "70m",
                        "alertname": "ErrorBudgetBurnFast",
                        "exp_alerts": [
                            {
                                "exp_labels": {"job": "shop", "severity": "critical"},
                                "exp_annotations": _annotations("ErrorBudgetBurnFast"),
                            }
                        ],
                    },
                    {"eval_time": "70m", "alertname": "ServiceDown", "exp_alerts": []},
                ],
            },
            {
                # Only readiness answers 503 (a dependency is down): no error budget is spent.
                "interval": "1m",
                "input_series": [
                    _series("http_requests_total", ok, "0+90x120"),
                    _series("http_requests_total", probe, "0+1000x120"),
                ],
                "alert_rule_test": [
                    {"eval_time": "70m", "alertname": "ErrorBudgetBurnFast", "exp_alerts": []},
                ],
            },
            {
                "interval": "1m",
                "input_series": [
                    _series("up", job, "0x10"),
                    _series("health_check_status", {**check, "status": "unhealthy"}, "0x3 1x20"),
                    _series("health_check_status", {**check, "status": "healthy"}, "1x3 0x20"),
                ],
                "alert_rule_test": [
                    {
                        "eval_time": "5m",
                        "alertname": "ServiceDown",
                        "exp_alerts": [
                            {
                                "exp_labels": {"job": "shop", "severity": "critical"},
                                "exp_annotations": _annotations("ServiceDown"),
                            }
                        ],
                    },
                    # Unhealthy from minute 4: not yet at minute 6, firing at minute 10.
                    {"eval_time": "6m", "alertname": "DependencyUnhealthy", "exp_alerts": []},
                    {
                        "eval_time": "10m",
                        "alertname": "DependencyUnhealthy",
                        "exp_alerts": [
                            {
                                "exp_labels": {
                                    "job": "shop",
                                    "check": "postgres",
                                    "severity": "critical",
                                },
                                "exp_annotations": _annotations(
                                    "DependencyUnhealthy", check="postgres"
                                ),
                            }
                        ],
                    },
                ],
            },
        ],
    }
    (tmp_path / "tests.yml").write_text(yaml.safe_dump(tests, sort_keys=False))
    result = _promtool("test", "rules", "tests.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def _annotations(name: str, **labels: str) -> dict[str, str]:
    alert = next(
        a for a in monitoring.alerts(monitoring.plan_from_spec(load_spec("shop"))) if a.name == name
    )
    annotations = alert.rule()["annotations"]
    return {
        key: value.replace("{{ $labels.check }}", labels.get("check", ""))
        for key, value in annotations.items()
    }


def test_readiness_flapping_fires_on_repeated_state_changes(tmp_path: Path) -> None:
    root = _write(monitoring.render(load_spec("shop")), tmp_path)
    healthy = {"job": "shop", "instance": "a:8000", "check": "redis", "status": "healthy"}
    tests = {
        "rule_files": [str(p) for p in sorted((root / "rules").glob("*.yml"))],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [
                    _series("health_check_status", healthy, "1 0 1 0 1 0 1 1 1 1 1 1 1 1 1"),
                    _series("health_check_status", {**healthy, "check": "kafka"}, "1x15"),
                ],
                "alert_rule_test": [
                    {
                        "eval_time": "8m",
                        "alertname": "ReadinessFlapping",
                        "exp_alerts": [
                            {
                                "exp_labels": {
                                    "job": "shop",
                                    "check": "redis",
                                    "severity": "warning",
                                },
                                "exp_annotations": _annotations("ReadinessFlapping", check="redis"),
                            }
                        ],
                    }
                ],
            }
        ],
    }
    (tmp_path / "tests.yml").write_text(yaml.safe_dump(tests, sort_keys=False))
    result = _promtool("test", "rules", "tests.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_incident_steps_and_a_unique_name() -> None:
    for name in ALL_CASES:
        alerts = monitoring.alerts(monitoring.plan_from_spec(load_spec(name)))
        assert len({a.name for a in alerts}) == len(alerts)
        assert all(a.steps and a.summary and a.description for a in alerts)


def test_a_latency_threshold_off_the_histogram_buckets_is_refused() -> None:
    plan = monitoring.plan_from_spec(load_spec("shop"))
    odd = MonitoringPlan(**{**plan.__dict__, "slo": Slo(latency_threshold_s=0.3)})
    with pytest.raises(SpecError, match="not a bucket"):
        _rules.app_rule_groups(odd)


def test_latency_bucket_label_is_spelled_like_the_client_library() -> None:
    from prometheus_client.utils import floatToGoString

    plan = monitoring.plan_from_spec(load_spec("shop"))
    for bucket in plan.latency_buckets:
        odd = MonitoringPlan(**{**plan.__dict__, "slo": Slo(latency_threshold_s=bucket)})
        assert f'le="{floatToGoString(bucket)}"' in str(_rules.app_rule_groups(odd))


# A structural schema for Grafana's dashboard JSON model (the fields Grafana needs to load a
# provisioned dashboard and draw each panel).
_DASHBOARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["uid", "title", "schemaVersion", "panels", "templating", "time"],
    "properties": {
        "uid": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$"},
        "title": {"type": "string", "minLength": 1},
        "schemaVersion": {"type": "integer", "minimum": 36},
        "time": {"type": "object", "required": ["from", "to"]},
        "templating": {
            "type": "object",
            "required": ["list"],
            "properties": {
                "list": {
                    "type": "array",
                    "items": {"type": "object", "required": ["name", "type"]},
                }
            },
        },
        "panels": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "type", "title", "gridPos"],
                "properties": {
                    "id": {"type": "integer"},
                    "type": {"enum": ["row", "timeseries", "state-timeline", "stat"]},
                    "gridPos": {
                        "type": "object",
                        "required": ["h", "w", "x", "y"],
                        "properties": {
                            "w": {"type": "integer", "minimum": 1, "maximum": 24},
                            "x": {"type": "integer", "minimum": 0, "maximum": 23},
                        },
                    },
                    "targets": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["refId", "expr", "datasource"],
                            "properties": {"expr": {"type": "string", "minLength": 1}},
                        },
                    },
                },
            },
        },
    },
}


@pytest.mark.parametrize("name", ALL_CASES)
def test_dashboard_json_satisfies_the_structure_grafana_loads(name: str) -> None:
    spec = load_spec(name)
    text = monitoring.render(spec)[f"{monitoring.ROOT}/grafana/dashboards/{spec.name}.json"]
    dashboard = json.loads(text)
    jsonschema.validate(dashboard, _DASHBOARD_SCHEMA)
    panels = dashboard["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    cells: set[tuple[int, int]] = set()
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24
        area = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not area & cells, f"panel {panel['title']!r} overlaps another"
        cells |= area
        if panel["type"] != "row":
            assert panel["targets"], panel["title"]
            assert all(t["datasource"]["uid"] == "${datasource}" for t in panel["targets"])
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert {"datasource", "job"} <= variables


def test_grafana_provisioning_points_at_the_mounted_dashboards_and_prometheus() -> None:
    files = monitoring.render(load_spec("shop"))
    provider = yaml.safe_load(files[f"{monitoring.ROOT}/grafana/provisioning/dashboards/shop.yml"])
    assert provider["providers"][0]["options"]["path"] == _grafana.DASHBOARDS_DIR
    source = yaml.safe_load(
        files[f"{monitoring.ROOT}/grafana/provisioning/datasources/prometheus.yml"]
    )
    assert source["datasources"][0]["uid"] == _grafana.DATASOURCE_UID
    assert source["datasources"][0]["url"] == "http://prometheus:9090"


def test_operator_objects_render_with_kubectl_kustomize(tmp_path: Path) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl is missing (the CI image provides it)")
    root = _write(monitoring.render(load_spec("shop")), tmp_path)
    result = subprocess.run(
        [kubectl, "kustomize", str(root / "kubernetes")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    kinds = [doc["kind"] for doc in yaml.safe_load_all(result.stdout)]
    assert sorted(kinds) == ["PrometheusRule", "ServiceMonitor"]
