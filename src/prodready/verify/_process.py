"""The service's own processes (web server, workers, migration), run as its container runs them.

Same command line as the image's CMD (bound to loopback on a free port instead of 0.0.0.0), same
env as the deployment, a private HOME and cache like the image's app user, and — when prodready is
invoked as root — an unprivileged account, so a service that only works as root fails here as it
would in the cluster.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from prodready import _contract as contract
from prodready.errors import ExternalToolError
from prodready.spec import ServiceSpec

__all__ = ["AppProcess", "Sandbox", "server_argv"]

_LOG_TAIL = 30


def server_argv(spec: ServiceSpec, *, host: str, port: int) -> list[str]:
    """The server command of the image, for ``host:port``, run by the current interpreter."""
    workers = str(spec.workers)
    if spec.server.kind == "gunicorn":
        return [
            sys.executable, "-m", "gunicorn", spec.app,
            "--worker-class", "uvicorn_worker.UvicornWorker",
            "--bind", f"{host}:{port}",
            "--workers", workers,
            "--graceful-timeout", str(spec.server.graceful_timeout_s),
            "--forwarded-allow-ips", spec.server.forwarded_allow_ips,
        ]  # fmt: skip
    return [
        sys.executable, "-m", "uvicorn", spec.app,
        "--host", host,
        "--port", str(port),
        "--workers", workers,
        "--proxy-headers",
        "--forwarded-allow-ips", spec.server.forwarded_allow_ips,
        "--timeout-graceful-shutdown", str(spec.server.graceful_timeout_s),
        "--no-server-header",
    ]  # fmt: skip


class Sandbox:
    """A private HOME (with its cache and the Prometheus multiprocess dir) owned by the app user.

    When we run as root the app runs as ``nobody``: like the image's numeric non-root user, it can
    write its HOME, cache and /tmp, and nothing else.
    """

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="prodready-app-"))
        self.home = self.root / "home"
        self.cache = self.home / ".cache"
        self.multiproc = self.root / "prometheus"
        for path in (self.home, self.cache, self.multiproc):
            path.mkdir(parents=True)
        self.uid: int | None = None
        self.gid: int | None = None
        # Why the service runs as the invoking user instead of an unprivileged one, if it does.
        self.privilege_note: str | None = None
        if os.geteuid() == 0:
            entry = pwd.getpwnam("nobody")
            self.privilege_note = _cannot_run_as(entry.pw_uid, entry.pw_gid)
            if self.privilege_note is None:
                self.uid, self.gid = entry.pw_uid, entry.pw_gid
        if self.uid is not None and self.gid is not None:
            # the unprivileged user must traverse the root to reach its HOME; nothing here is secret
            os.chmod(self.root, 0o755)  # noqa: S103
            for path in (self.home, self.cache, self.multiproc):
                for dirpath, dirnames, filenames in os.walk(path):
                    os.chown(dirpath, self.uid, self.gid)
                    for name in (*dirnames, *filenames):
                        os.chown(os.path.join(dirpath, name), self.uid, self.gid)

    @property
    def user(self) -> str:
        return "nobody" if self.uid is not None else pwd.getpwuid(os.geteuid()).pw_name

    def env(self) -> dict[str, str]:
        bindir = str(Path(sys.executable).parent)
        return {
            "PATH": f"{bindir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(self.home),
            "XDG_CACHE_HOME": str(self.cache),
            "PROMETHEUS_MULTIPROC_DIR": str(self.multiproc),
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "TMPDIR": str(self.root),
            "LANG": "C.UTF-8",
        }

    def run(
        self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], what: str, timeout: float
    ) -> None:
        """Run a one-shot command (a build step, the migration) to completion, or raise."""
        log = self.root / f"{what.replace(' ', '-')}.log"
        with log.open("wb") as out:
            try:
                proc = subprocess.run(
                    list(argv),
                    cwd=cwd,
                    env=dict(env),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    timeout=timeout,
                    user=self.uid,
                    group=self.gid,
                    extra_groups=[] if self.uid is not None else None,
                    check=False,
                )
            except OSError as exc:
                raise ExternalToolError(
                    f"{what}: cannot run {argv[0]!r}: {exc.strerror}",
                    hint="install the project's dependencies into this environment",
                ) from exc
            except subprocess.TimeoutExpired as exc:
                raise ExternalToolError(f"{what} did not finish within {timeout:g} s") from exc
        if proc.returncode != 0:
            raise ExternalToolError(
                f"{what} failed with exit code {proc.returncode}:\n{_tail(log)}",
                hint=f"run it by hand in the project directory: {' '.join(argv)}",
            )

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _cannot_run_as(uid: int, gid: int) -> str | None:
    """Why ``uid`` cannot run this interpreter (e.g. it lives under a private /root), or None."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", "import prodready"],
            user=uid,
            group=gid,
            extra_groups=[],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except OSError as exc:
        return f"the unprivileged user cannot execute {sys.executable}: {exc.strerror}"
    if proc.returncode != 0:
        return f"the unprivileged user cannot import prodready with {sys.executable}"
    return None


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no output)"
    return "\n".join(lines[-_LOG_TAIL:])


class AppProcess:
    """A long-running process of the service (the web server or a worker), in its own group."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        sandbox: Sandbox,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.cwd = cwd
        self.env = dict(env)
        self.sandbox = sandbox
        self.log_path = sandbox.root / f"{name}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        try:
            self._proc = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                user=self.sandbox.uid,
                group=self.sandbox.gid,
                extra_groups=[] if self.sandbox.uid is not None else None,
            )
        except OSError as exc:
            raise ExternalToolError(
                f"{self.name}: cannot run {self.argv[0]!r}: {exc.strerror}",
                hint="install the project's dependencies into this environment",
            ) from exc
        finally:
            log.close()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def poll(self) -> int | None:
        """The exit code once the process has ended, else ``None``."""
        return None if self._proc is None else self._proc.poll()

    def log_tail(self) -> str:
        return _tail(self.log_path)

    def terminate(self) -> None:
        """SIGTERM to the main process only, as Kubernetes does: the server drains its workers."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int | None:
        if self._proc is None:
            return None
        try:
            return self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout: float = float(contract.TERMINATION_GRACE_PERIOD_S)) -> None:
        """SIGTERM, wait up to ``timeout`` (the grace period), then SIGKILL the whole group."""
        if self._proc is None:
            return
        self.terminate()
        if self.wait(timeout) is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait()
        # Workers forked by the server live in the same group: none may outlive it.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.killpg(self._proc.pid, 0)
            except ProcessLookupError:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            time.sleep(0.05)
