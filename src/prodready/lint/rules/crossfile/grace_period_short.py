"""PR417: terminationGracePeriodSeconds shorter than the server's own shutdown."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import server_command
from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Container, Project
from prodready.lint.loaders._yaml import as_dict, as_list
from prodready.lint.rules._common import containers, dockerfile_of


def _pre_stop_seconds(container: Container) -> int:
    pre = container.get("lifecycle", "preStop")
    if not isinstance(pre, dict):
        return 0
    if isinstance(pre.get("sleep"), dict) and isinstance(pre["sleep"].get("seconds"), int):
        return int(pre["sleep"]["seconds"])
    command = [str(c) for c in as_list(as_dict(pre.get("exec")).get("command"))]
    text = " ".join(command)
    if "sleep" in text:
        after = text.split("sleep", 1)[1].split()
        if after and after[0].isdigit():
            return int(after[0])
    return 0


def _shutdown_seconds(project: Project, container: Container) -> tuple[float, str] | None:
    argv = container.command()
    image = dockerfile_of(project, container)
    env = image.env(image.final) if image and image.final else {}
    if not argv and image is not None and image.final is not None:
        argv, _ = image.command(image.final)
    server = server_command(argv, env)
    if server is not None and server.graceful_timeout_s is not None:
        return server.graceful_timeout_s, f"{server.server} graceful timeout"
    spec = project.spec_for(container.at().path)
    if spec is not None:
        return spec.graceful_timeout_s, "the prodready drain delay + graceful timeout"
    return None


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project):
        shutdown = _shutdown_seconds(project, container)
        if shutdown is None:
            continue
        grace = container.workload.pod_spec.get("terminationGracePeriodSeconds", 30)
        if not isinstance(grace, int):
            continue
        needed = shutdown[0] + _pre_stop_seconds(container)
        if grace <= needed:
            keys = (*container.workload.template_keys, "spec", "terminationGracePeriodSeconds")
            yield Hit(
                f"container '{container.name}': the pod gets {grace}s to stop but needs "
                f"{needed:g}s "
                f"({shutdown[1]} plus preStop): in-flight requests are killed by SIGKILL",
                container.workload.obj.at(*keys),
            )


RULE = Rule(
    id="PR417",
    slug="grace-period-shorter-than-shutdown",
    layer=Layer.CROSSFILE,
    severity=Severity.WARNING,
    summary=(
        "terminationGracePeriodSeconds (default 30) does not exceed preStop + the server's "
        "graceful timeout."
    ),
    rationale=(
        "The kubelet sends SIGKILL when the grace period ends: requests still being served are cut"
        " off on every rollout."
    ),
    fix=(
        "Set terminationGracePeriodSeconds above preStop sleep + graceful timeout (the generated "
        "manifests use 40 for 5 + 20)."
    ),
    check=_check,
)
