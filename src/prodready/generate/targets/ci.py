"""The ``ci`` target: ``.github/workflows/ci.yml``, a pipeline that mirrors the local stack.

Jobs: ``lint`` (ruff, mypy), ``test`` (pytest against the spec's backing services as GitHub service
containers, health options from the catalogue, migrations first), ``prodready`` (generated files
up to date, ``prodready check`` as SARIF in code scanning), ``image`` (Buildx with the GitHub
Actions cache, Trivy scan, SBOM, and on ``main`` a push whose digest is the job's output) and
``deploy`` (on ``main``: the production overlay with the image pinned by that digest).

Security: every action is pinned by a full commit SHA (:data:`ACTIONS`, the release tag in a
comment-free constant next to it); the workflow's token is ``contents: read`` and each job adds
only what it needs; checkouts do not persist credentials; expressions reach shell steps through
``env``, never inlined into the script. Service-container passwords are per-run values derived
from the run id, never a literal in the file.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from prodready import __version__
from prodready.catalog import Catalog, Connection, default_catalog, substitute
from prodready.generate._model import Target
from prodready.generate.targets.monitoring._yaml import dump
from prodready.spec import ServiceSpec

__all__ = ["ACTIONS", "DEPLOY_OVERLAY", "TARGET", "WORKFLOW_PATH", "Action", "render", "workflow"]

WORKFLOW_PATH = ".github/workflows/ci.yml"
DEPLOY_OVERLAY = "deploy/k8s/overlays/prod"
RUNNER = "ubuntu-24.04"
REGISTRY = "ghcr.io"
# Secret values in CI are throwaway per-run values: the service containers and the app agree on
# them, and nothing resembling a credential is committed.
CI_SECRET = "ci-${{ github.run_id }}-${{ github.run_attempt }}"  # noqa: S105 - an expression
# Health options for service containers (the catalogue's command, these timings).
HEALTH_INTERVAL = "5s"
HEALTH_TIMEOUT = "5s"
HEALTH_RETRIES = 20


@dataclass(frozen=True)
class Action:
    """An action pinned by the full commit SHA of an official release tag."""

    repo: str
    sha: str
    tag: str

    @property
    def uses(self) -> str:
        return f"{self.repo}@{self.sha}"


ACTIONS: dict[str, Action] = {
    action.repo: action
    for action in (
        Action("actions/checkout", "11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2"),
        Action("actions/setup-python", "a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
        Action("actions/upload-artifact", "ea165f8d65b6e75b540449e92b4886f43607fa02", "v4.6.2"),
        Action("docker/setup-buildx-action", "e468171a9de216ec08956ac3ada2f0791b6bd435", "v3.11.1"),
        Action("docker/login-action", "74a5d142397b4f367a81961eba4e8cd7edddf772", "v3.4.0"),
        Action("docker/metadata-action", "902fa8ec7d6ecbf8d84d538b9b233a880e428804", "v5.7.0"),
        Action("docker/build-push-action", "263435318d21b8e681c14492fe198d362a7d2c83", "v6.18.0"),
        Action("aquasecurity/trivy-action", "b6643a29fecd7f34b3597bc6acb0a98b03d33ff8", "0.33.1"),
        Action("anchore/sbom-action", "17ae1740179002c89186b61233e0f892c3118b11", "v0.23.0"),
        Action(
            "github/codeql-action/upload-sarif",
            "5d4e8d1aca955e8d8589aabd499c5cae939e33c7",
            "v4.31.9",
        ),
    )
}


def _uses(repo: str, title: str, /, **with_: Any) -> dict[str, Any]:
    step: dict[str, Any] = {"name": title, "uses": ACTIONS[repo].uses}
    if with_:
        step["with"] = with_
    return step


def _run(title: str, script: str, /, **env: str) -> dict[str, Any]:
    step: dict[str, Any] = {"name": title, "run": script}
    if env:
        step["env"] = env
    return step


def _checkout() -> dict[str, Any]:
    return _uses("actions/checkout", "Check out", **{"persist-credentials": False})


def _setup_python(spec: ServiceSpec) -> dict[str, Any]:
    return _uses("actions/setup-python", "Set up Python", **{"python-version": spec.python})


def install_commands(spec: ServiceSpec) -> tuple[str, ...]:
    """Install the project's dependencies into the runner's Python, per package manager.

    Everything ends up in one interpreter (no per-tool virtualenv), so ``python -m pytest`` and
    ``mypy`` see the same packages in every variant.
    """
    requirements = spec.build.requirements or "requirements.txt"
    by_manager: dict[str, tuple[str, ...]] = {
        "pip": (f"python -m pip install -r {shlex.quote(requirements)}",),
        "uv": (
            "python -m pip install uv",
            "uv export --locked --no-hashes --no-emit-project --all-extras -o requirements.ci.txt",
            "python -m pip install -r requirements.ci.txt",
        ),
        "poetry": (
            "python -m pip install poetry",
            "poetry config virtualenvs.create false",
            "poetry install --no-interaction --no-root --all-extras",
        ),
        "pdm": (
            "python -m pip install pdm",
            "pdm export --without-hashes -o requirements.ci.txt",
            "python -m pip install -r requirements.ci.txt",
        ),
    }
    return (
        "python -m pip install --upgrade pip",
        *by_manager[spec.package_manager],
        "python -m pip install ruff mypy pytest",
    )


def _install(spec: ServiceSpec) -> dict[str, Any]:
    return _run("Install dependencies", "\n".join(install_commands(spec)) + "\n")


def _import_root(spec: ServiceSpec) -> str:
    return spec.app_module.split(".", 1)[0]


def shell_command(argv: tuple[str, ...]) -> str:
    """The shell string for a health argv: Docker runs ``--health-cmd`` with ``/bin/sh -c``, so a
    catalogue command that is already ``sh -c SCRIPT`` is passed as ``SCRIPT`` itself."""
    if len(argv) == 3 and argv[:2] == ("sh", "-c"):
        return argv[2]
    return shlex.join(argv)


def _health_options(argv: tuple[str, ...]) -> str:
    """``docker create`` options for a service container's health check.

    The runner passes the options string to Docker with Windows-style argument rules, where only
    double quotes group words, so the shell command is wrapped in double quotes (with embedded
    backslashes and double quotes escaped) rather than shell single quotes.
    """
    command = shell_command(argv).replace("\\", "\\\\").replace('"', '\\"')
    return (
        f'--health-cmd "{command}" --health-interval {HEALTH_INTERVAL} '
        f"--health-timeout {HEALTH_TIMEOUT} --health-retries {HEALTH_RETRIES}"
    )


def _ci_value(value: str) -> str:
    return substitute(value, lambda _name: CI_SECRET)


@dataclass(frozen=True)
class _Stack:
    """The backing services for the test job: GitHub service containers where the image's own
    command will do, ``docker run`` steps where the catalogue overrides it (GitHub service
    containers cannot), and the env the app needs to reach them on localhost."""

    services: dict[str, Any]
    start_steps: list[dict[str, Any]]
    app_env: dict[str, str]


def _start_steps(
    name: str,
    image: str,
    port: int,
    env: dict[str, str],
    argv: tuple[str, ...],
    health: tuple[str, ...],
    user: str | None,
) -> list[dict[str, Any]]:
    env_flags = " ".join(f"-e {key}" for key in env)
    run = " ".join(
        (
            f"docker run -d --name {name} -p {port}:{port}",
            # The catalogue's command bypasses the image's own privilege drop: run as its user.
            f"--user {user}" if user is not None else "",
            env_flags,
            f"--health-cmd {shlex.quote(shell_command(health))}",
            f"--health-interval {HEALTH_INTERVAL} --health-timeout {HEALTH_TIMEOUT}",
            f"--health-retries {HEALTH_RETRIES}",
            image,
            shlex.join(argv),
        )
    )
    wait = (
        f'timeout 180 sh -c \'until [ "$(docker inspect -f {{{{.State.Health.Status}}}} {name})" '
        f"= healthy ]; do sleep 2; done'"
    )
    return [
        _run(f"Start {name}", " ".join(run.split()), **env),
        _run(f"Wait until {name} is healthy", wait),
    ]


def _stack(spec: ServiceSpec, catalog: Catalog) -> _Stack:
    services: dict[str, Any] = {}
    steps: list[dict[str, Any]] = []
    app_env: dict[str, str] = {}
    for name in sorted(spec.services):
        service = spec.services[name]
        entry = catalog.get(service.kind)
        local = Connection(
            host="localhost",
            port=entry.port,
            user=entry.default_user,
            database=spec.database_name(name),
        )
        image = entry.image_ref(service.version, service.extensions)
        env = {key: _ci_value(value) for key, value in entry.server_env(local).items()}
        for secret in entry.secrets:
            env.setdefault(secret, CI_SECRET)
        if entry.command is not None:
            steps.extend(
                _start_steps(
                    name,
                    image,
                    entry.port,
                    env,
                    entry.command(local),
                    entry.health_command(local),
                    entry.user,
                )
            )
        else:
            container: dict[str, Any] = {
                "image": image,
                "ports": [f"{entry.port}:{entry.port}"],
                "options": _health_options(entry.health_command(local)),
            }
            server_env = {key: env[key] for key in entry.server_env(local)}
            if server_env:
                container["env"] = server_env
            services[name] = container
        for key, value in entry.app_env(local).items():
            app_env[key] = _ci_value(value)
        for secret in entry.app_secrets:
            app_env[secret] = CI_SECRET
    return _Stack(services=services, start_steps=steps, app_env=app_env)


def workflow(spec: ServiceSpec, *, catalog: Catalog | None = None) -> dict[str, Any]:
    """The whole workflow document."""
    cat = catalog if catalog is not None else default_catalog()
    stack = _stack(spec, cat)
    app_env = {
        **dict(sorted(spec.env.items())),
        **dict.fromkeys(spec.secrets, CI_SECRET),
        **stack.app_env,
        "PYTHONPATH": spec.source_dir,
    }
    root = _import_root(spec)
    test_steps = [*stack.start_steps, _checkout(), _setup_python(spec), _install(spec)]
    if spec.migrate is not None:
        test_steps.append(_run("Run migrations", spec.migrate))
    test_steps.append(_run("Run tests", "python -m pytest"))
    image_name = f"{spec.name}:ci"
    on_main = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    jobs: dict[str, Any] = {
        "lint": {
            "name": "Lint and type check",
            "runs-on": RUNNER,
            "timeout-minutes": 15,
            "steps": [
                _checkout(),
                _setup_python(spec),
                _install(spec),
                _run("Ruff lint", "ruff check ."),
                _run("Ruff format", "ruff format --check ."),
                _run(f"Mypy ({root})", f"mypy -p {root}", MYPYPATH=spec.source_dir),
            ],
        },
        "test": {
            "name": "Tests",
            "runs-on": RUNNER,
            "timeout-minutes": 30,
            **({"services": stack.services} if stack.services else {}),
            "env": app_env,
            "steps": test_steps,
        },
        "prodready": {
            "name": "Deployment files",
            "runs-on": RUNNER,
            "timeout-minutes": 10,
            "permissions": {"contents": "read", "security-events": "write"},
            "steps": [
                _checkout(),
                _setup_python(spec),
                _run("Install prodready", f"python -m pip install prodready=={__version__}"),
                _run("Generated files are up to date", "prodready generate --check"),
                _run(
                    "Check deployment files",
                    "prodready check --format sarif > prodready.sarif",
                ),
                {
                    **_uses(
                        "github/codeql-action/upload-sarif",
                        "Upload findings to code scanning",
                        sarif_file="prodready.sarif",
                        category="prodready",
                    ),
                    "if": "always()",
                },
            ],
        },
        "image": {
            "name": "Image",
            "needs": ["lint", "test", "prodready"],
            "runs-on": RUNNER,
            "timeout-minutes": 30,
            "permissions": {"contents": "read", "packages": "write", "security-events": "write"},
            "outputs": {"digest": "${{ steps.push.outputs.digest }}"},
            "steps": [
                _checkout(),
                _uses("docker/setup-buildx-action", "Set up Buildx"),
                {
                    **_uses(
                        "docker/metadata-action",
                        "Image tags and labels",
                        images=f"{REGISTRY}/${{{{ github.repository }}}}",
                        tags="type=sha,format=long\ntype=ref,event=branch\n",
                    ),
                    "id": "meta",
                },
                _uses(
                    "docker/build-push-action",
                    "Build",
                    context=".",
                    load=True,
                    push=False,
                    tags=image_name,
                    labels="${{ steps.meta.outputs.labels }}",
                    **{"cache-from": "type=gha", "cache-to": "type=gha,mode=max"},
                ),
                _uses(
                    "aquasecurity/trivy-action",
                    "Scan for vulnerabilities",
                    **{
                        "image-ref": image_name,
                        "format": "sarif",
                        "output": "trivy.sarif",
                        "severity": "CRITICAL,HIGH",
                        "ignore-unfixed": True,
                        "exit-code": "1",
                    },
                ),
                {
                    **_uses(
                        "github/codeql-action/upload-sarif",
                        "Upload scan to code scanning",
                        sarif_file="trivy.sarif",
                        category="trivy",
                    ),
                    "if": "always()",
                },
                _uses(
                    "anchore/sbom-action",
                    "SBOM",
                    image=image_name,
                    format="spdx-json",
                    **{"output-file": "sbom.spdx.json", "upload-artifact": False},
                ),
                _uses(
                    "actions/upload-artifact",
                    "Keep the SBOM",
                    name="sbom",
                    path="sbom.spdx.json",
                    **{"retention-days": 90},
                ),
                {
                    **_uses(
                        "docker/login-action",
                        "Log in to the registry",
                        registry=REGISTRY,
                        username="${{ github.actor }}",
                        password="${{ secrets.GITHUB_TOKEN }}",  # noqa: S106 - a reference
                    ),
                    "if": on_main,
                },
                {
                    **_uses(
                        "docker/build-push-action",
                        "Push (by digest)",
                        context=".",
                        push=True,
                        tags="${{ steps.meta.outputs.tags }}",
                        labels="${{ steps.meta.outputs.labels }}",
                        **{"cache-from": "type=gha"},
                    ),
                    "id": "push",
                    "if": on_main,
                },
            ],
        },
        "deploy": {
            "name": "Deploy (production overlay)",
            "needs": ["image"],
            "if": on_main,
            "runs-on": RUNNER,
            "timeout-minutes": 20,
            "environment": "production",
            "concurrency": {"group": "deploy-production", "cancel-in-progress": False},
            "permissions": {"contents": "read"},
            "steps": [
                _checkout(),
                _run(
                    "Apply the production overlay with the image pinned by digest",
                    _deploy_script(spec),
                    KUBECONFIG_DATA="${{ secrets.KUBECONFIG }}",
                    IMAGE=f"{REGISTRY}/${{{{ github.repository }}}}",
                    DIGEST="${{ needs.image.outputs.digest }}",
                ),
            ],
        },
    }
    return {
        "name": "ci",
        "on": {"push": {"branches": ["main"]}, "pull_request": {}},
        "permissions": {"contents": "read"},
        "concurrency": {
            "group": "ci-${{ github.ref }}",
            "cancel-in-progress": "${{ github.ref != 'refs/heads/main' }}",
        },
        "jobs": jobs,
    }


def _deploy_script(spec: ServiceSpec) -> str:
    """Write the kubeconfig (0600), pin the image by digest in a release kustomization, apply.

    The migration Job's template is immutable, so the previous release's Job is deleted first;
    the rollout is awaited only after the migration completed.
    """
    lines = [
        "set -euo pipefail",
        'export KUBECONFIG="$RUNNER_TEMP/kubeconfig"',
        "umask 077",
        'printf \'%s\' "$KUBECONFIG_DATA" > "$KUBECONFIG"',
        "image=\"$(printf '%s' \"$IMAGE\" | tr '[:upper:]' '[:lower:]')\"",
        "mkdir -p deploy/k8s/release",
        "cat > deploy/k8s/release/kustomization.yaml <<EOF",
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "resources:",
        f"  - ../{DEPLOY_OVERLAY.removeprefix('deploy/k8s/')}",
        "images:",
        f"  - name: {spec.name}",
        "    newName: ${image}",
        "    digest: ${DIGEST}",
        "EOF",
    ]
    job = f"job/{spec.name}-migrate"
    if spec.migrate is not None:
        lines.append(f"kubectl -n {spec.name} delete {job} --ignore-not-found")
    lines.append("kubectl apply -k deploy/k8s/release")
    if spec.migrate is not None:
        lines.append(f"kubectl -n {spec.name} wait --for=condition=complete {job} --timeout=10m")
    lines.append(f"kubectl -n {spec.name} rollout status deployment/{spec.name} --timeout=10m")
    return "\n".join(lines) + "\n"


def _annotate_pins(text: str) -> str:
    """Append each pinned action's release tag as a comment (what Dependabot and readers use)."""
    for action in ACTIONS.values():
        text = text.replace(f"uses: {action.uses}\n", f"uses: {action.uses} # {action.tag}\n")
    return text


def render(spec: ServiceSpec) -> dict[str, str]:
    """The target's pure render function."""
    return {WORKFLOW_PATH: _annotate_pins(dump(workflow(spec)))}


TARGET = Target(
    name="ci",
    render=render,
    description="GitHub Actions: lint, tests with service containers, scan, SBOM, push, deploy",
)
