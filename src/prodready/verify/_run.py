"""``prodready up``: the backing services, the build steps, the migration, then the service.

Order, as a deployment does it: dependencies first; the image's build-time steps (model downloads)
into the app's private cache; the migration once (never in every replica); then the web server and
the declared worker processes with the deployment's env. ``close()`` stops everything and is safe
to call from any state, so nothing outlives a Ctrl-C or a failed step.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable
from pathlib import Path

from prodready import _contract as contract
from prodready.errors import ExternalToolError
from prodready.spec import ServiceSpec
from prodready.testing import free_port
from prodready.verify._context import copy_build_context
from prodready.verify._http import probe
from prodready.verify._process import AppProcess, Sandbox, server_argv
from prodready.verify._stack import LocalStack

__all__ = ["LocalRun"]

Progress = Callable[[str], None]
_BUILD_TIMEOUT_S = 600.0
_MIGRATE_TIMEOUT_S = 300.0


class LocalRun:
    """One local run of a service: its stack, sandbox and processes."""

    def __init__(
        self,
        spec: ServiceSpec,
        project_dir: Path,
        *,
        progress: Progress | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
    ) -> None:
        self.spec = spec
        self.project_dir = project_dir
        self.host = host
        self.port = port if port is not None else free_port(host)
        self.progress = progress or (lambda _message: None)
        self.stack = LocalStack(spec, progress=self.progress)
        self.sandbox: Sandbox | None = None
        self.web: AppProcess | None = None
        self.workers: dict[str, AppProcess] = {}
        self.env: dict[str, str] = {}

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        """Bring the whole service up; raises (after cleaning up) when any step fails."""
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _start(self) -> None:
        self.stack.start()
        self.sandbox = Sandbox()
        # Run from the build context the image would get: no .env, no venv, read-only source.
        context = copy_build_context(self.project_dir, self.sandbox.root / "app")
        workdir = (context / self.spec.source_dir).resolve()
        self.env = {
            **self.sandbox.env(),
            "ENVIRONMENT": "production",
            "PORT": str(self.port),
            **self.spec.env,
            **self.stack.env(),
        }
        for command in self.spec.build.run:
            self.progress(f"build step: {command}")
            self.sandbox.run(
                shlex.split(command),
                cwd=workdir,
                env=self.env,
                what="build step",
                timeout=_BUILD_TIMEOUT_S,
            )
        if self.spec.migrate_argv is not None:
            self.progress(f"migration: {self.spec.migrate}")
            self.sandbox.run(
                self.spec.migrate_argv,
                cwd=workdir,
                env=self.env,
                what="migration",
                timeout=_MIGRATE_TIMEOUT_S,
            )
        self.web = AppProcess(
            "web",
            server_argv(self.spec, host=self.host, port=self.port),
            cwd=workdir,
            env=self.env,
            sandbox=self.sandbox,
        )
        if self.sandbox.privilege_note is not None:
            self.progress(
                f"warning: running as {self.sandbox.user}, not an unprivileged user: "
                f"{self.sandbox.privilege_note}"
            )
        self.progress(
            f"starting {self.spec.name} as {self.sandbox.user} with {self.spec.workers} "
            f"worker(s) on {self.base_url}"
        )
        self.web.start()
        for name, process in sorted(self.spec.processes.items()):
            worker = AppProcess(name, process.argv, cwd=workdir, env=self.env, sandbox=self.sandbox)
            self.progress(f"starting process {name}: {process.command}")
            worker.start()
            self.workers[name] = worker

    def wait_started(self) -> float:
        """Poll the startup probe until it passes; the seconds it took.

        The deadline is the generated startup probe's: ``failureThreshold x periodSeconds``.
        """
        if self.web is None:
            raise ExternalToolError("the service is not running")
        probes = self.spec.probes
        deadline_s = probes.startup_failure_threshold * probes.period_s
        started = time.monotonic()
        while time.monotonic() - started < deadline_s:
            code = self.web.poll()
            if code is not None:
                raise ExternalToolError(
                    f"{self.spec.name} exited with code {code} before its startup probe passed:\n"
                    f"{self.web.log_tail()}",
                    hint="fix the error above; the same happens in the container",
                )
            if probe(self.host, self.port, probes.startup, timeout=probes.timeout_s).ok:
                return time.monotonic() - started
            time.sleep(0.2)
        raise ExternalToolError(
            f"startup probe {probes.startup} did not pass within {deadline_s} s "
            f"(failureThreshold {probes.startup_failure_threshold} x period {probes.period_s} s):\n"
            f"{self.web.log_tail()}"
        )

    def close(self) -> None:
        """Stop the processes (SIGTERM, grace period, SIGKILL), then the backing services."""
        for worker in self.workers.values():
            worker.stop(timeout=float(contract.TERMINATION_GRACE_PERIOD_S))
        if self.web is not None:
            self.web.stop(timeout=float(contract.TERMINATION_GRACE_PERIOD_S))
        self.stack.stop()
        if self.sandbox is not None:
            self.sandbox.close()
