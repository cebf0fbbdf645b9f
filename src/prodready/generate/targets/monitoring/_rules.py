"""Recording and alert rules as data: SLO burn rates, availability, health checks, restarts.

The burn-rate alerts follow the multiwindow, multi-burn-rate scheme of the Google SRE workbook
(the one Sloth generates): page when 2 % of a 30-day budget burns in an hour (14.4x over 1 h and
5 m) or 5 % in six hours (6x over 6 h and 30 m); open a ticket at 3x over 1 d and 2 h or 1x over
3 d and 6 h. The short window makes an alert stop soon after the burn stops.

Every alert carries its incident steps (:attr:`Alert.steps`): the runbook is rendered from the same
objects, so an alert name in the rules and in the runbook cannot differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from prodready import _contract as contract
from prodready.errors import SpecError
from prodready.generate.targets.monitoring._plan import (
    DEPENDENCY_UNHEALTHY_FOR,
    MonitoringPlan,
)
from prodready.metrics import names as m

__all__ = [
    "BURN_WINDOWS",
    "Alert",
    "BurnWindow",
    "alerts",
    "app_rule_groups",
    "kubernetes_rule_groups",
    "recording_name",
]

Severity = Literal["critical", "warning"]
Scope = Literal["app", "kubernetes"]

# kube-state-metrics (not the app) exports this; only the Kubernetes rules use it.
KUBE_RESTARTS = "kube_pod_container_status_restarts_total"
RESTARTS_WINDOW = "30m"
RESTARTS_THRESHOLD = 2
FLAPPING_WINDOW = "15m"
FLAPPING_CHANGES = 4


@dataclass(frozen=True)
class BurnWindow:
    """Alert when both windows burn the budget ``factor`` times faster than sustainable."""

    long: str
    short: str
    factor: float
    severity: Severity


BURN_WINDOWS: tuple[BurnWindow, ...] = (
    BurnWindow("1h", "5m", 14.4, "critical"),
    BurnWindow("6h", "30m", 6.0, "critical"),
    BurnWindow("1d", "2h", 3.0, "warning"),
    BurnWindow("3d", "6h", 1.0, "warning"),
)
_WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")


@dataclass(frozen=True)
class Alert:
    """One alerting rule plus what an operator does when it fires."""

    name: str
    severity: Severity
    expr: str
    for_: str
    summary: str
    description: str
    steps: tuple[str, ...]
    scope: Scope = "app"

    def rule(self) -> dict[str, Any]:
        """The Prometheus rule entry."""
        return {
            "alert": self.name,
            "expr": self.expr,
            "for": self.for_,
            "labels": {"severity": self.severity},
            "annotations": {
                "summary": self.summary,
                "description": self.description,
                "runbook": f"docs/RUNBOOK.md#{self.name.lower()}",
            },
        }


def recording_name(sli: Literal["errors", "slow"], window: str) -> str:
    """``job:http_request_errors:ratio_rate5m``: the SLI recorded per job and window."""
    return f"job:http_request_{sli}:ratio_rate{window}"


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def _matchers(plan: MonitoringPlan, *extra: str) -> str:
    routes = "|".join(plan.unscraped_routes)
    return ", ".join((f'job="{plan.service}"', f'route!~"{routes}"', *extra))


def _latency_bucket(plan: MonitoringPlan) -> str:
    """The ``le`` label value of the SLO threshold, spelled exactly as the client library does."""
    threshold = plan.slo.latency_threshold_s
    if threshold not in plan.latency_buckets:
        raise SpecError(
            f"latency threshold {threshold:g} s is not a bucket of the request histogram",
            expected="one of " + ", ".join(f"{b:g}" for b in plan.latency_buckets),
            hint="pick a bucket boundary: the SLI reads that bucket's counter directly",
        )
    # prometheus_client writes bucket bounds with repr() (its floatToGoString), e.g. "0.5", "1.0".
    return repr(float(threshold))


def _recording_rules(plan: MonitoringPlan) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    every = _matchers(plan)
    errors = _matchers(plan, 'status=~"5.."')
    fast = _matchers(plan, f'le="{_latency_bucket(plan)}"')
    for window in _WINDOWS:
        total = f"sum by (job) (rate({m.HTTP_REQUESTS_TOTAL}{{{every}}}[{window}]))"
        rules.append(
            {
                "record": recording_name("errors", window),
                "expr": f"sum by (job) (rate({m.HTTP_REQUESTS_TOTAL}{{{errors}}}[{window}]))\n"
                f"/\n{total}",
            }
        )
        bucket = f"{m.HTTP_REQUEST_DURATION_SECONDS}_bucket"
        count = f"{m.HTTP_REQUEST_DURATION_SECONDS}_count"
        rules.append(
            {
                "record": recording_name("slow", window),
                "expr": f"1 - (\n  sum by (job) (rate({bucket}{{{fast}}}[{window}]))\n  /\n"
                f"  sum by (job) (rate({count}{{{every}}}[{window}]))\n)",
            }
        )
    return rules


def _burn_expr(
    plan: MonitoringPlan, sli: Literal["errors", "slow"], budget: float, severity: str
) -> str:
    clauses = []
    for window in BURN_WINDOWS:
        if window.severity != severity:
            continue
        limit = _fmt(window.factor * budget)
        job = f'{{job="{plan.service}"}}'
        clauses.append(
            f"(\n  {recording_name(sli, window.short)}{job} > {limit}\n"
            f"  and\n  {recording_name(sli, window.long)}{job} > {limit}\n)"
        )
    return "\nor\n".join(clauses)


def _percent(ratio: float) -> str:
    return f"{ratio * 100:g} %"


def alerts(plan: MonitoringPlan) -> tuple[Alert, ...]:
    """Every alert for the service, app-level first, then the Kubernetes-only ones."""
    service = plan.service
    error_budget = 1 - plan.slo.availability
    latency_budget = 1 - plan.slo.latency_target
    threshold = f"{plan.slo.latency_threshold_s:g} s"
    up = f'up{{job="{service}"}}'
    unhealthy = f'{m.HEALTH_CHECK_STATUS}{{job="{service}", status="unhealthy"}}'
    healthy = f'{m.HEALTH_CHECK_STATUS}{{job="{service}", status="healthy"}}'
    restarts = (
        f'{KUBE_RESTARTS}{{namespace="{plan.namespace}", container=~"'
        + "|".join(plan.containers)
        + '"}'
    )
    logs = (
        f"`docker compose logs --since 30m {plan.app_host}` or "
        f"`kubectl -n {plan.namespace} logs deploy/{service} --since=30m`"
    )
    return (
        Alert(
            name="ServiceDown",
            severity="critical",
            expr=f"sum by (job) ({up}) == 0\nor\nabsent({up})",
            for_="2m",
            summary=f"{service} has no instance Prometheus can scrape",
            description=f"No {service} target answered {plan.metrics_path} for 2 minutes: "
            "the service is down or unreachable from Prometheus.",
            steps=(
                f"Check the instances: `docker compose ps {plan.app_host}` or "
                f"`kubectl -n {plan.namespace} get pods -l app.kubernetes.io/name={service}`.",
                f"Read the last logs: {logs}.",
                f"If pods restart in a loop, look for a failing start-up probe "
                f'(`kubectl -n {plan.namespace} describe pod "$POD"`, POD from the alert\'s '
                "`pod` label) or a settings error in the first log lines.",
                "If the process runs but cannot be scraped, check the NetworkPolicy/compose "
                f"network and that port {plan.port} serves {plan.metrics_path}.",
            ),
        ),
        Alert(
            name="InstanceDown",
            severity="warning",
            expr=f"{up} == 0",
            for_="5m",
            summary=f"An instance of {service} has been unscrapable for 5 minutes",
            description="{{ $labels.instance }} does not answer the scrape; the others still do.",
            steps=(
                "Find the instance in the alert's `instance` label and read its logs.",
                "If it is wedged (liveness passing but no answers), delete the pod; the "
                "Deployment replaces it.",
            ),
        ),
        *(
            Alert(
                name=f"ErrorBudgetBurn{'Fast' if severity == 'critical' else 'Slow'}",
                severity=severity,
                expr=_burn_expr(plan, "errors", error_budget, severity),
                for_="2m" if severity == "critical" else "15m",
                summary=f"{service} is burning its error budget "
                + ("fast" if severity == "critical" else "steadily"),
                description=f"More than the {_percent(error_budget)} error budget of a "
                f"{_percent(plan.slo.availability)} availability objective is being spent "
                "(5xx answers, probe routes excluded), in both a long and a short window.",
                steps=(
                    "Open the dashboard's *Error ratio by route* panel to find the route.",
                    "Look at *Exceptions by class* and the logs of that route "
                    "(every line carries the request ID).",
                    "If it started with a deploy, roll back (see DEPLOYMENT.md, *Rolling back*).",
                    "If a dependency is failing, follow *DependencyUnhealthy* below.",
                ),
            )
            for severity in ("critical", "warning")
        ),
        *(
            Alert(
                name=f"LatencyBudgetBurn{'Fast' if severity == 'critical' else 'Slow'}",
                severity=severity,
                expr=_burn_expr(plan, "slow", latency_budget, severity),
                for_="2m" if severity == "critical" else "15m",
                summary=f"{service} answers too many requests slower than {threshold}",
                description=f"The objective is {_percent(plan.slo.latency_target)} of requests "
                f"within {threshold}; the budget of slower requests is burning in both a long "
                "and a short window.",
                steps=(
                    "Open *Latency p95 by route* to find the slow route.",
                    "Compare with *Health check latency*: a slow dependency slows every route "
                    "that uses it.",
                    "Check *In-flight requests* and CPU: saturation means scale out "
                    "(see DEPLOYMENT.md, *Scaling*).",
                ),
            )
            for severity in ("critical", "warning")
        ),
        Alert(
            name="DependencyUnhealthy",
            severity="critical",
            expr=f"max by (job, check) ({unhealthy}) == 1",
            for_=DEPENDENCY_UNHEALTHY_FOR,
            summary="Health check {{ $labels.check }} of " + service + " is UNHEALTHY",
            description="The check {{ $labels.check }} has reported UNHEALTHY for "
            f"{DEPENDENCY_UNHEALTHY_FOR}; readiness fails, so instances leave the load balancer.",
            steps=(
                'See which check and why: `curl -s "http://$INSTANCE'
                f'{contract.COMPONENTS_PATH}"` with '
                "INSTANCE from the alert's `instance` label (reason: timeout, exception, latency).",
                "Check the dependency itself (its container/pod status and logs, its exporter "
                "panel on the dashboard).",
                "Restore the dependency; instances become ready again by themselves within "
                "one refresh interval — do not restart the app.",
            ),
        ),
        Alert(
            name="ReadinessFlapping",
            severity="warning",
            expr=f"max by (job, check) (changes({healthy}[{FLAPPING_WINDOW}])) "
            f">= {FLAPPING_CHANGES}",
            for_="0m",
            summary="Health check {{ $labels.check }} of " + service + " is flapping",
            description=f"The check changed state {FLAPPING_CHANGES} or more times in "
            f"{FLAPPING_WINDOW}: instances join and leave the load balancer repeatedly.",
            steps=(
                "Look at *Health check latency*: a check running close to its timeout flips "
                "between healthy and unhealthy.",
                "Check the dependency's load and network path; raise its capacity or the "
                "check's latency threshold if the dependency is merely slow.",
            ),
        ),
        Alert(
            name="PodRestarting",
            severity="warning",
            expr=f"max by (namespace, pod, container) (increase({restarts}[{RESTARTS_WINDOW}])) "
            f"> {RESTARTS_THRESHOLD}",
            for_="0m",
            summary="{{ $labels.pod }} restarted more than "
            f"{RESTARTS_THRESHOLD} times in {RESTARTS_WINDOW}",
            description="The container {{ $labels.container }} keeps restarting: it crashes, "
            "runs out of memory or fails its liveness probe.",
            steps=(
                f'`kubectl -n {plan.namespace} describe pod "$POD"` (POD from the alert\'s `pod` '
                "label): the last state says OOMKilled, Error or liveness failure.",
                "OOMKilled: raise the memory limit or lower the workers in the spec, then "
                "regenerate.",
                f'`kubectl -n {plan.namespace} logs "$POD" --previous` shows the crash.',
            ),
            scope="kubernetes",
        ),
    )


def app_rule_groups(plan: MonitoringPlan) -> list[dict[str, Any]]:
    """The groups that need only the app's own metrics (compose and Kubernetes alike)."""
    return [
        {"name": f"{plan.service}-slo-recording", "rules": _recording_rules(plan)},
        {
            "name": f"{plan.service}-alerts",
            "rules": [alert.rule() for alert in alerts(plan) if alert.scope == "app"],
        },
    ]


def kubernetes_rule_groups(plan: MonitoringPlan) -> list[dict[str, Any]]:
    """The app groups plus the ones that need kube-state-metrics."""
    return [
        *app_rule_groups(plan),
        {
            "name": f"{plan.service}-kubernetes",
            "rules": [alert.rule() for alert in alerts(plan) if alert.scope == "kubernetes"],
        },
    ]
