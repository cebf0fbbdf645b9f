"""PR401: a liveness probe on a path that checks dependencies."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._common import containers
from prodready.lint.rules._probes import LIVENESS_NAMES, dependency_paths, handler


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project):
        live = container.get("livenessProbe")
        if not isinstance(live, dict):
            continue
        paths = dependency_paths(project, container.at().path)
        live_handler = handler(live)
        if live_handler is None:
            continue
        kind, target, _ = live_handler
        where = container.at("livenessProbe")
        if kind == "http" and target in paths:
            yield Hit(
                f"container '{container.name}': liveness probes {target}, which checks "
                f"dependencies: "
                "a database or broker outage restarts every pod",
                where,
            )
            continue
        ready = container.get("readinessProbe")
        if kind == "http" and target in LIVENESS_NAMES:
            continue  # both probes use a dependency-free endpoint: harmless
        if kind in {"http", "exec"} and isinstance(ready, dict) and handler(ready) == live_handler:
            yield Hit(
                f"container '{container.name}': liveness and readiness run the same check "
                f"({kind} {target if kind == 'http' else ' '.join(target)}); when readiness "
                "fails because a dependency is down, liveness restarts the pod too",
                where,
            )


RULE = Rule(
    id="PR401",
    slug="liveness-checks-dependencies",
    layer=Layer.CROSSFILE,
    severity=Severity.ERROR,
    summary="A liveness probe hits a dependency-checking path, or repeats the readiness check.",
    rationale=(
        "Liveness failure restarts the container. If it checks the database, a database blip "
        "restarts every replica at once (a restart storm) and the outage gets longer, not shorter."
    ),
    fix=(
        "Point liveness at a dependency-free path (/health/live); keep dependency checks in "
        "readiness."
    ),
    check=_check,
)
