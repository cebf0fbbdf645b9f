"""PR404: a Service whose selector matches no pod template."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.rules._common import selects


def _check(project: Project) -> Iterator[Hit]:
    for group in project.groups:
        workloads = group.workloads()
        if not workloads:
            continue
        for svc in group.of_kind("Service"):
            selector = svc.spec.get("selector")
            if not isinstance(selector, dict) or not selector:
                continue  # headless or manual Endpoints: nothing to match
            if not any(
                selects(selector, w.pod_labels)
                and (w.obj.namespace or svc.namespace) in (svc.namespace, w.obj.namespace)
                for w in workloads
            ):
                labels = ", ".join(f"{k}={v}" for k, v in selector.items())
                yield Hit(
                    f"Service '{svc.name}' selects {labels}, which no pod template here carries",
                    svc.at("spec", "selector"),
                )


RULE = Rule(
    id="PR404",
    slug="service-selects-nothing",
    layer=Layer.CROSSFILE,
    severity=Severity.ERROR,
    summary="A Service's selector matches the labels of no pod template in the same manifests.",
    rationale=(
        "The Service has no endpoints: every request to it is refused, though each file looks fine"
        " alone."
    ),
    fix="Make spec.selector equal to the pod template's labels (spec.template.metadata.labels).",
    check=_check,
)
