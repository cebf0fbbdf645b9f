"""PR416: readOnlyRootFilesystem without writable /tmp, HOME or cache directories."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Container, Project
from prodready.lint.rules._common import containers, dockerfile_of

_DIR_VARS = ("HOME", "XDG_CACHE_HOME", "PROMETHEUS_MULTIPROC_DIR", "HF_HOME", "MPLCONFIGDIR", "TMPDIR")
_PYTHON = ("python", "uvicorn", "gunicorn", "celery", "hypercorn", "flask", "django")


def _is_python(project: Project, container: Container) -> bool:
    image = dockerfile_of(project, container)
    if image is not None and image.final is not None:
        return "python" in image.base_image(image.final).lower()
    argv = container.command()
    return bool(argv) and argv[0].rsplit("/", 1)[-1].startswith(_PYTHON)


def _check(project: Project) -> Iterator[Hit]:
    for _, container in containers(project):
        if container.get("securityContext", "readOnlyRootFilesystem") is not True:
            continue
        if not _is_python(project, container):
            continue
        mounts = [str(m.get("mountPath", "")).rstrip("/") for m in container.get("volumeMounts") or [] if isinstance(m, dict)]
        image = dockerfile_of(project, container)
        env = dict(image.env(image.final)) if image and image.final else {}
        env.update({str(e.get("name")): str(e.get("value")) for e in container.get("env") or [] if isinstance(e, dict) and "value" in e})
        needed = {"/tmp": "temporary files (tempfile, uploads, gunicorn worker heartbeats)"}  # noqa: S108
        for var in _DIR_VARS:
            if env.get(var, "").startswith("/"):
                needed[env[var].rstrip("/")] = var
        missing = [
            f"{path} ({why})"
            for path, why in needed.items()
            if not any(path == m or path.startswith(m + "/") for m in mounts if m)
        ]
        if missing:
            yield Hit(
                f"container '{container.name}' has a read-only root filesystem and nothing writable at "
                + "; ".join(missing),
                container.at("securityContext", "readOnlyRootFilesystem"),
            )


RULE = Rule(
    id="PR416",
    slug="read-only-root-without-writable-dirs",
    layer=Layer.CROSSFILE,
    severity=Severity.WARNING,
    summary="A Python container has readOnlyRootFilesystem but no writable /tmp, HOME or cache directory.",
    rationale="Python libraries write to /tmp and ~/.cache at run time; gunicorn's worker heartbeat needs /tmp: the app crashes on first use.",
    fix="Mount an emptyDir at /tmp (and at HOME / XDG_CACHE_HOME / PROMETHEUS_MULTIPROC_DIR when set).",
    check=_check,
)
