"""PR413: a probe gives up before the app's own dependency checks can time out."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._common import containers
from prodready.lint.rules._probes import dependency_paths, handler, probes


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project):
        spec = project.spec_for(container.at().path)
        if spec is None:
            continue  # the app's check timeout is only known from its spec
        limit = spec.check_timeout_s
        paths = dependency_paths(project, container.at().path)
        for kind, probe in probes(container):
            found = handler(probe)
            if found is None or found[0] != "http" or found[1] not in paths:
                continue
            timeout = probe.get("timeoutSeconds", 1)
            if isinstance(timeout, int) and timeout <= limit:
                yield Hit(
                    f"container '{container.name}': {kind} on {found[1]} times out after "
                    f"{timeout}s, "
                    f"but the app's dependency checks may take up to {limit:g}s",
                    container.at(kind, "timeoutSeconds")
                    if "timeoutSeconds" in probe
                    else container.at(kind),
                )


RULE = Rule(
    id="PR413",
    slug="probe-timeout-below-check-timeout",
    layer=Layer.CROSSFILE,
    severity=Severity.WARNING,
    summary="A probe's timeoutSeconds (default 1) is not above the app's dependency-check timeout.",
    rationale=(
        "A slow but healthy dependency makes the probe time out before the app answers: pods flap "
        "out of the Service."
    ),
    fix=(
        "Set timeoutSeconds above the check timeout (the generated manifests use 3 for a 2 s check"
        " timeout)."
    ),
    check=_check,
)
