"""The ``docker`` target: a multi-stage ``Dockerfile`` and its ``.dockerignore``.

Choices, each for a reason:

- Two stages: the builder installs the locked dependencies into ``/opt/venv`` with the project's
  own package manager; the runtime copies only that venv and the source.
- The venv and the source are root-owned and read-only to the app: a compromised process cannot
  rewrite its own code. Only what the app must write is owned by the app user (numeric
  UID/GID from :mod:`prodready._contract`): its HOME, the cache (``XDG_CACHE_HOME``), the
  Prometheus multiprocess directory and declared volumes. Those directories are created empty and
  chowned in one layer (never ``chown -R`` over copied files, which duplicates the layer).
- Build-time files (ML models) are fetched with a pinned checksum into the cache as the app user,
  and ``build.run`` commands run as that user with HOME set, so caches land where the app looks.
- ``HEALTHCHECK`` uses Python's urllib (the slim image has no curl) against the liveness path,
  which never runs dependency checks.
- The server runs in exec form (PID 1 receives SIGTERM) with the worker count from
  :attr:`ServiceSpec.workers` (derived from the CPU limit), proxy headers and a graceful timeout.
"""

from __future__ import annotations

import json
import posixpath
import shlex

from prodready import _contract as contract
from prodready.generate._model import Target
from prodready.generate._render import render_template
from prodready.spec import CACHE_DIR, ServiceSpec

__all__ = ["TARGET", "healthcheck_argv", "server_argv"]

VENV = "/opt/venv"
UV_IMAGE = "ghcr.io/astral-sh/uv:0.5.11"
POETRY_VERSION = "1.8.5"
PDM_VERSION = "2.22.1"
HEALTHCHECK_START_PERIOD_S = 30


def base_image(spec: ServiceSpec) -> str:
    """``build.base_image`` or the slim Debian image of the project's Python minor version."""
    return spec.build.base_image or f"python:{spec.python}-slim-bookworm"


def server_argv(spec: ServiceSpec) -> tuple[str, ...]:
    """The web process's exec-form command."""
    workers = str(spec.workers)
    graceful = str(spec.server.graceful_timeout_s)
    if spec.server.kind == "gunicorn":
        return (
            "gunicorn",
            spec.app,
            "--worker-class",
            "uvicorn.workers.UvicornWorker",
            "--workers",
            workers,
            "--bind",
            f"0.0.0.0:{spec.port}",
            "--forwarded-allow-ips",
            spec.server.forwarded_allow_ips,
            "--graceful-timeout",
            graceful,
            "--access-logfile",
            "-",
        )
    return (
        "uvicorn",
        spec.app,
        "--host",
        "0.0.0.0",
        "--port",
        str(spec.port),
        "--workers",
        workers,
        "--proxy-headers",
        "--forwarded-allow-ips",
        spec.server.forwarded_allow_ips,
        "--timeout-graceful-shutdown",
        graceful,
        "--no-server-header",
    )


def healthcheck_argv(spec: ServiceSpec) -> tuple[str, ...]:
    """A curl-free liveness check: exits non-zero unless the liveness path answers 2xx."""
    url = f"http://127.0.0.1:{spec.port}{spec.probes.liveness}"
    code = (
        f"import urllib.request; urllib.request.urlopen({url!r}, "
        f"timeout={contract.CHECK_TIMEOUT_S:g})"
    )
    return ("python", "-c", code)


def _apt(packages: tuple[str, ...]) -> list[str]:
    if not packages:
        return []
    names = " ".join(packages)
    return [
        "RUN apt-get update \\",
        f"    && apt-get install -y --no-install-recommends {names} \\",
        "    && rm -rf /var/lib/apt/lists/*",
    ]


def _builder_lines(spec: ServiceSpec) -> list[str]:
    lines = _apt(spec.build.build_apt)
    manager = spec.package_manager
    if manager == "uv":
        lines += [
            f"COPY --from={UV_IMAGE} /uv /usr/local/bin/uv",
            "ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=0 \\",
            f"    UV_PROJECT_ENVIRONMENT={VENV}",
            "COPY pyproject.toml uv.lock ./",
            "RUN --mount=type=cache,target=/root/.cache/uv \\",
            "    uv sync --locked --no-dev --no-install-project",
        ]
    elif manager == "poetry":
        lines += [
            "COPY pyproject.toml poetry.lock ./",
            f"RUN pip install --no-cache-dir poetry=={POETRY_VERSION} \\",
            f"    && python -m venv {VENV} \\",
            "    && poetry install --only main --no-root --no-interaction",
        ]
    elif manager == "pdm":
        lines += [
            "COPY pyproject.toml pdm.lock ./",
            f"RUN pip install --no-cache-dir pdm=={PDM_VERSION} \\",
            "    && pdm export --prod --output /tmp/requirements.txt \\",
            f"    && python -m venv {VENV} \\",
            "    && pip install --no-cache-dir --requirement /tmp/requirements.txt",
        ]
    elif spec.build.requirements is not None:
        lines += [
            f"COPY {spec.build.requirements} ./",
            f"RUN python -m venv {VENV} \\",
            f"    && pip install --no-cache-dir --requirement {spec.build.requirements}",
        ]
    else:
        lines += [
            "COPY . ./",
            f"RUN python -m venv {VENV} \\",
            "    && pip install --no-cache-dir .",
        ]
    return lines


def _writable_dirs(spec: ServiceSpec) -> list[str]:
    """Directories the app writes, created empty and owned by the app user in one layer.

    The parent directories of baked files are included: ``ADD`` would otherwise create them
    owned by root, and a library that writes next to its model would fail (the seed-004 lesson).
    """
    dirs = [CACHE_DIR, contract.PROMETHEUS_MULTIPROC_DIR]
    for item in spec.build.files:
        parent = posixpath.dirname(f"{CACHE_DIR}/{item.dest}")
        while parent != CACHE_DIR and parent not in dirs:
            dirs.append(parent)
            parent = posixpath.dirname(parent)
    dirs += [volume.path for _, volume in sorted(spec.volumes.items())]
    return dirs


def _runtime_lines(spec: ServiceSpec) -> list[str]:
    uid, gid, user, home = contract.APP_UID, contract.APP_GID, contract.APP_USER, contract.APP_HOME
    dirs = " ".join(_writable_dirs(spec))
    return [
        *_apt(spec.build.apt),
        f"RUN groupadd --system --gid {gid} {user} \\",
        f"    && useradd --system --no-log-init --uid {uid} --gid {gid} \\",
        f"       --home-dir {home} --create-home --shell /usr/sbin/nologin {user} \\",
        f"    && mkdir -p {dirs} \\",
        f"    && chown {uid}:{gid} {dirs}",
    ]


def _bake_lines(spec: ServiceSpec) -> list[str]:
    """Checksummed downloads into the cache; before the source, so a code change keeps them."""
    owner = f"{contract.APP_UID}:{contract.APP_GID}"
    return [
        f"ADD --checksum=sha256:{item.sha256} --chown={owner} {item.url} {CACHE_DIR}/{item.dest}"
        for item in spec.build.files
    ]


def _run_lines(spec: ServiceSpec) -> list[str]:
    """``build.run`` after the source is copied (it may import the project), as the app user."""
    if not spec.build.run:
        return []
    commands = [shlex.join(shlex.split(command)) for command in spec.build.run]
    return ["RUN " + " \\\n    && ".join(commands)]


def render_dockerfile(spec: ServiceSpec) -> str:
    source = contract.APP_DIR if spec.source_dir == "." else f"{contract.APP_DIR}/{spec.source_dir}"
    return render_template(
        "Dockerfile.j2",
        base_image=base_image(spec),
        venv=VENV,
        app_dir=contract.APP_DIR,
        python_path=source,
        home=contract.APP_HOME,
        cache_dir=CACHE_DIR,
        prometheus_dir=contract.PROMETHEUS_MULTIPROC_DIR,
        port=spec.port,
        uid=contract.APP_UID,
        gid=contract.APP_GID,
        builder_lines=_builder_lines(spec),
        runtime_lines=_runtime_lines(spec),
        bake_lines=_bake_lines(spec),
        run_lines=_run_lines(spec),
        interval=spec.probes.period_s,
        timeout=spec.probes.timeout_s,
        start_period=HEALTHCHECK_START_PERIOD_S,
        healthcheck=json.dumps(list(healthcheck_argv(spec))),
        command=json.dumps(list(server_argv(spec))),
    )


def _render(spec: ServiceSpec) -> dict[str, str]:
    return {
        "Dockerfile": render_dockerfile(spec),
        ".dockerignore": render_template("dockerignore.j2", extra=[]),
    }


TARGET = Target(
    name="docker",
    render=_render,
    description="multi-stage Dockerfile (non-root, HEALTHCHECK, baked caches) and .dockerignore",
)
