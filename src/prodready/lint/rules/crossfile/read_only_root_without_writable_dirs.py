"""PR416: readOnlyRootFilesystem without writable /tmp, HOME or cache directories."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import server_command
from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Container, Project
from prodready.lint.loaders._yaml import as_list
from prodready.lint.rules._common import containers, dockerfile_of

_DIR_VARS = (
    "HOME",
    "XDG_CACHE_HOME",
    "PROMETHEUS_MULTIPROC_DIR",
    "HF_HOME",
    "MPLCONFIGDIR",
    "TMPDIR",
)


def _needed(project: Project, container: Container) -> dict[str, str]:
    """Directories the process will write to, with the evidence for each."""
    image = dockerfile_of(project, container)
    env: dict[str, str] = dict(image.env(image.final)) if image and image.final else {}
    env.update(
        {
            str(e.get("name")): str(e.get("value"))
            for e in as_list(container.get("env"))
            if isinstance(e, dict) and "value" in e
        }
    )
    argv = container.command()
    if not argv and image is not None and image.final is not None:
        argv = image.command(image.final)[0]
    needed: dict[str, str] = {}
    server = server_command(argv, env)
    if server is not None and server.server == "gunicorn" and "--worker-tmp-dir" not in argv:
        needed["/tmp"] = "gunicorn's worker heartbeat files"  # noqa: S108
    if project.spec_for(container.at().path) is not None:
        needed["/tmp"] = "the prodready runtime's temporary and metrics files"  # noqa: S108
    for var in _DIR_VARS:
        if env.get(var, "").startswith("/"):
            needed[env[var].rstrip("/") or "/"] = f"{var} is set to it"
    return needed


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project):
        if container.get("securityContext", "readOnlyRootFilesystem") is not True:
            continue
        mounts = [
            str(m.get("mountPath", "")).rstrip("/")
            for m in as_list(container.get("volumeMounts"))
            if isinstance(m, dict) and m.get("readOnly") is not True
        ]
        missing = [
            f"{path} ({why})"
            for path, why in _needed(project, container).items()
            if not any(path == m or path.startswith(m + "/") for m in mounts if m)
        ]
        if missing:
            yield Hit(
                f"container '{container.name}' has a read-only root filesystem and nothing "
                f"writable at {'; '.join(missing)}",
                container.at("securityContext", "readOnlyRootFilesystem"),
            )


RULE = Rule(
    id="PR416",
    slug="read-only-root-without-writable-dirs",
    layer=Layer.CROSSFILE,
    severity=Severity.WARNING,
    summary=(
        "A container with readOnlyRootFilesystem has no writable mount where it must write (/tmp, "
        "HOME, caches)."
    ),
    rationale=(
        "gunicorn's worker heartbeat, HOME/XDG caches and the Prometheus multiprocess dir are "
        "written at run time: the app crashes on first use."
    ),
    fix=(
        "Mount an emptyDir at /tmp and at each directory named by HOME / XDG_CACHE_HOME / "
        "PROMETHEUS_MULTIPROC_DIR."
    ),
    check=_check,
)
