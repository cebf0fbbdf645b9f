"""PR420: an HTTP probe path the prodready app does not serve."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._common import containers
from prodready.lint.rules._probes import handler, probes


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project):
        spec = project.spec_for(container.at().path)
        if spec is None:
            continue  # without a spec the app's routes are unknown
        routes = spec.routes
        for kind, probe in probes(container):
            found = handler(probe)
            if found is not None and found[0] == "http" and found[1] not in routes:
                yield Hit(
                    f"container '{container.name}': {kind} requests {found[1]}, which the service "
                    f"does not serve (it serves {', '.join(sorted(routes))})",
                    container.at(kind),
                )


RULE = Rule(
    id="PR420",
    slug="probe-path-not-served",
    layer=Layer.CROSSFILE,
    severity=Severity.ERROR,
    summary=(
        "An HTTP probe requests a path that the service (per its prodready spec) does not serve."
    ),
    rationale=(
        "A 404 fails the probe: readiness never passes or liveness restarts the pod in a loop."
    ),
    fix=(
        "Use the runtime's paths: /health/live for liveness, /health/ready for readiness, "
        "/health/startup for startup."
    ),
    check=_check,
)
