"""``prometheus.yml`` for the compose ``monitoring`` profile, as data.

The app is discovered by DNS (``dns_sd_configs`` type A on the compose service name), so every
replica of a scaled-out service is scraped, not whichever one the name happens to resolve to.
"""

from __future__ import annotations

from typing import Any

from prodready.generate.targets.monitoring._plan import SCRAPE_INTERVAL, MonitoringPlan

__all__ = ["RULES_DIR", "prometheus_config"]

# Relative to prometheus.yml: Prometheus resolves rule_files against the config file's directory.
RULES_DIR = "rules"
PROMETHEUS_PORT = 9090


def prometheus_config(plan: MonitoringPlan) -> dict[str, Any]:
    """The whole Prometheus configuration: the app, each exporter, Prometheus itself."""
    jobs: list[dict[str, Any]] = [
        {
            "job_name": plan.service,
            "metrics_path": plan.metrics_path,
            "dns_sd_configs": [
                {
                    "names": [plan.app_host],
                    "type": "A",
                    "port": plan.port,
                    "refresh_interval": "30s",
                }
            ],
        }
    ]
    jobs.extend(
        {
            "job_name": exporter.job,
            "metrics_path": exporter.path,
            "static_configs": [{"targets": [exporter.address], "labels": {"kind": exporter.kind}}],
        }
        for exporter in plan.exporters
    )
    jobs.append(
        {
            "job_name": "prometheus",
            "static_configs": [{"targets": [f"localhost:{PROMETHEUS_PORT}"]}],
        }
    )
    return {
        "global": {
            "scrape_interval": SCRAPE_INTERVAL,
            "scrape_timeout": "10s",
            "evaluation_interval": SCRAPE_INTERVAL,
        },
        "rule_files": [f"{RULES_DIR}/*.yml"],
        "scrape_configs": jobs,
    }
