"""The life cycle every real test server shares: private directory, processes, readiness, cleanup.

A :class:`ManagedServer` owns a private temporary directory (data, config, log) and the process
groups it spawned. ``start()`` blocks until the server accepts real work, ``stop()`` ends every
process it started and waits until its ports are free, ``restart()`` keeps port and data, and
``close()`` also deletes the directory. Servers still running when the interpreter exits are stopped
by an ``atexit`` hook, so an interrupted test run leaves no server behind.
"""

from __future__ import annotations

import abc
import atexit
import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import ClassVar, Self

from prodready.errors import ExternalToolError
from prodready.testing._ports import accepts_connections, free_port, is_bound, wait_until_unbound

__all__ = ["INSTALL_HINT", "ManagedServer", "RunAs", "cache_dir", "log_tail"]

INSTALL_HINT = "run scripts/install-test-deps (it installs every test server, idempotently)"
_LOG_TAIL_LINES = 25
_LIVE: weakref.WeakSet[ManagedServer] = weakref.WeakSet()


def cache_dir() -> Path:
    """Where ``scripts/install-test-deps`` puts server jars and binaries (outside the repository).

    ``$PRODREADY_SERVER_CACHE`` if set, else ``~/.cache/prodready/servers``.
    """
    env = os.environ.get("PRODREADY_SERVER_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "prodready" / "servers"


def log_tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of a log file, or a note that it is missing."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class RunAs:
    """The unprivileged account a server that refuses root runs as (``nobody`` when we are root)."""

    uid: int
    gid: int

    @classmethod
    def for_current_user(cls) -> RunAs | None:
        """``nobody`` when running as root, else ``None`` (run as ourselves)."""
        if os.geteuid() != 0:
            return None
        entry = pwd.getpwnam("nobody")
        return cls(uid=entry.pw_uid, gid=entry.pw_gid)

    def own(self, root: Path) -> None:
        """Give the whole tree under ``root`` to this account."""
        for dirpath, dirnames, filenames in os.walk(root):
            os.chown(dirpath, self.uid, self.gid)
            for name in (*dirnames, *filenames):
                os.chown(os.path.join(dirpath, name), self.uid, self.gid, follow_symlinks=False)


@dataclass(frozen=True)
class _Spawned:
    process: subprocess.Popen[bytes]
    start_ticks: str  # /proc/<pid>/stat field 22: tells a reused pid from ours


def _start_ticks(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":  # a zombie has ended; it only waits to be reaped
        return None
    return fields[19]


def _process_group(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else int(fields[2])


class ManagedServer(abc.ABC):
    """Base class of the real servers: subclasses say how to prepare, launch and probe.

    Subclasses set :attr:`name`, implement :meth:`_launch` (spawn with :meth:`_spawn`) and may
    override :meth:`_prepare` (one-time setup of the data directory), :meth:`_is_ready` (default:
    :attr:`ready_marker` appeared in the log since the launch and the port accepts TCP) and
    :attr:`url`.
    """

    name: ClassVar[str] = "server"
    ready_marker: ClassVar[str | None] = None
    ready_timeout: ClassVar[float] = 60.0
    stop_signal: ClassVar[signal.Signals] = signal.SIGTERM
    stop_timeout: ClassVar[float] = 30.0
    install_hint: ClassVar[str] = INSTALL_HINT

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        ready_timeout: float | None = None,
    ) -> None:
        self.host = host
        self.port = port if port is not None else free_port(host)
        self._ready_timeout = ready_timeout if ready_timeout is not None else self.ready_timeout
        self._root: Path | None = None
        self._prepared = False
        self._running: list[_Spawned] = []
        self._ever: list[tuple[int, str]] = []
        self._log_offset = 0
        self._lock = threading.RLock()

    # -- public surface ---------------------------------------------------------------------
    @property
    def url(self) -> str:
        """How a client reaches the server; subclasses add scheme and credentials."""
        return f"tcp://{self.host}:{self.port}"

    @property
    def root(self) -> Path:
        """The server's private directory (data, config, log), created on first use."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix=f"prodready-{self.name}-"))
        return self._root

    @property
    def log_path(self) -> Path:
        """The server's combined stdout/stderr, appended to across restarts."""
        return self.root / "server.log"

    @property
    def ports(self) -> tuple[int, ...]:
        """Every port this server binds; ``stop()`` waits until all are free."""
        return (self.port,)

    @property
    def is_running(self) -> bool:
        """Whether every process of the current run is alive."""
        with self._lock:
            return bool(self._running) and all(s.process.poll() is None for s in self._running)

    @property
    def pids(self) -> tuple[int, ...]:
        """Process ids of the current run (each leads its own process group); empty when stopped."""
        with self._lock:
            return tuple(s.process.pid for s in self._running if s.process.poll() is None)

    def start(self) -> Self:
        """Start the server (no-op if running) and block until it accepts real work.

        Raises :class:`~prodready.errors.ExternalToolError` with the tail of the server's log if
        it cannot be started or is not ready within its timeout.
        """
        with self._lock:
            if self.is_running:
                return self
            self._stop_processes()
            if not self._prepared:
                try:
                    self._prepare()
                except BaseException:
                    self._discard_root()  # a half-prepared directory would fail the next try
                    raise
                self._prepared = True
            try:
                self._log_offset = self._log_size()
                self._launch()
                self._wait_ready()
            except BaseException:
                self._stop_processes()
                raise
            _LIVE.add(self)
            return self

    def stop(self) -> None:
        """Stop every process of the server and wait until its ports are free; data is kept."""
        with self._lock:
            self._stop_processes()
            if not wait_until_unbound(self.host, self.ports, timeout=10.0):
                bound = [p for p in self.ports if is_bound(self.host, p)]
                raise ExternalToolError(
                    f"{self.name} stopped but port(s) {bound} on {self.host} are still bound",
                    hint="another process took the port; find it with `ss -ltnp`",
                )

    def restart(self) -> Self:
        """Stop then start again on the same port with the same data."""
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop the server and delete its private directory."""
        with self._lock:
            self.stop()
            self._discard_root()
            _LIVE.discard(self)

    def leftovers(self) -> list[str]:
        """What this server left behind: live processes it started and ports still bound.

        Empty after ``stop()``; the pytest plugin checks it at session end.
        """
        ours = dict(self._ever)
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            group = _process_group(pid)
            # A live pid is never handed out again as a group id, so a process in one of our
            # groups is ours, unless it is a new session leader that reused a dead leader's pid.
            if group in ours and (pid != group or _start_ticks(pid) == ours[pid]):
                found.append(f"{self.name}: process {pid} (group {group}) still running")
        found += [
            f"{self.name}: port {self.host}:{port} still bound"
            for port in self.ports
            if not self.is_running and is_bound(self.host, port)
        ]
        return found

    def log(self) -> str:
        """The server's log since the last launch (for a test that wants to look)."""
        try:
            with self.log_path.open("rb") as fh:
                fh.seek(self._log_offset)
                return fh.read().decode(errors="replace")
        except OSError:
            return ""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "running" if self.is_running else "stopped"
        return f"<{type(self).__name__} {self.host}:{self.port} {state}>"

    # -- for subclasses ----------------------------------------------------------------------
    def _prepare(self) -> None:  # noqa: B027 - an optional hook; the default does nothing
        """One-time setup of the private directory (initdb, config files, storage format)."""

    @abc.abstractmethod
    def _launch(self) -> None:
        """Spawn the server's processes with :meth:`_spawn`."""

    def _is_ready(self) -> bool:
        if self.ready_marker is not None and self.ready_marker not in self.log():
            return False
        return accepts_connections(self.host, self.port)

    def _spawn(
        self,
        argv: Sequence[str | os.PathLike[str]],
        *,
        env: Mapping[str, str] | None = None,
        run_as: RunAs | None = None,
        cwd: Path | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start a process in its own process group, output appended to :attr:`log_path`."""
        self._require_executable(str(argv[0]))
        with self.log_path.open("ab") as log:
            process = subprocess.Popen(
                [str(a) for a in argv],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(env) if env is not None else None,
                cwd=cwd or self.root,
                start_new_session=True,
                user=run_as.uid if run_as else None,
                group=run_as.gid if run_as else None,
                extra_groups=[] if run_as else None,
            )
        ticks = _start_ticks(process.pid) or ""
        self._running.append(_Spawned(process, ticks))
        self._ever.append((process.pid, ticks))
        return process

    def _run_tool(
        self,
        argv: Sequence[str | os.PathLike[str]],
        *,
        env: Mapping[str, str] | None = None,
        run_as: RunAs | None = None,
        stdin: str | None = None,
        timeout: float = 120.0,
    ) -> str:
        """Run a one-shot setup command; raise ExternalToolError with its output if it fails."""
        self._require_executable(str(argv[0]))
        command = [str(a) for a in argv]
        try:
            proc = subprocess.run(
                command,
                input=stdin.encode() if stdin is not None else None,
                stdin=None if stdin is not None else subprocess.DEVNULL,
                capture_output=True,
                env=dict(env) if env is not None else None,
                cwd=self.root,
                timeout=timeout,
                check=False,
                user=run_as.uid if run_as else None,
                group=run_as.gid if run_as else None,
                extra_groups=[] if run_as else None,
            )
        except subprocess.TimeoutExpired as e:
            raise ExternalToolError(
                f"{self.name}: `{Path(command[0]).name}` did not finish within {timeout:.0f} s",
                hint=self.install_hint,
            ) from e
        output = (proc.stdout + proc.stderr).decode(errors="replace")
        with self.log_path.open("a") as log:
            log.write(f"$ {Path(command[0]).name} ... (exit {proc.returncode})\n{output}")
        if proc.returncode != 0:
            tail = "\n".join(output.splitlines()[-_LOG_TAIL_LINES:])
            tool = Path(command[0]).name
            raise ExternalToolError(
                f"{self.name}: `{tool}` exited with code {proc.returncode}:\n{tail}",
                hint=self.install_hint,
            )
        return output

    def _require_executable(self, program: str) -> None:
        if os.sep in program:
            if not os.access(program, os.X_OK):
                raise ExternalToolError(
                    f"{self.name}: {program} is missing or not executable",
                    expected="the server installed by scripts/install-test-deps",
                    hint=self.install_hint,
                )
        elif shutil.which(program) is None:
            raise ExternalToolError(
                f"{self.name}: `{program}` is not on PATH",
                expected="the server installed by scripts/install-test-deps",
                hint=self.install_hint,
            )

    def _wait_for_port(self, port: int, *, what: str, timeout: float = 10.0) -> None:
        """Block until a helper process listens on ``port``; raise with the log if it does not."""
        deadline = time.monotonic() + timeout
        while not accepts_connections(self.host, port, timeout=0.2):
            exited = [s.process.returncode for s in self._running if s.process.poll() is not None]
            if exited or time.monotonic() > deadline:
                raise ExternalToolError(
                    f"{self.name}: {what} did not listen on {self.host}:{port}; "
                    f"log {self.log_path}:\n{log_tail(self.log_path)}",
                    hint=self.install_hint,
                )
            time.sleep(0.05)

    def _after_stop(self) -> None:  # noqa: B027 - an optional hook; the default does nothing
        """Hook: clean up what a stop leaves (sockets, pid files)."""

    # -- internals ---------------------------------------------------------------------------
    def _discard_root(self) -> None:
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
        self._prepared = False

    def _log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self._ready_timeout
        delay = 0.05
        while True:
            for spawned in self._running:
                code = spawned.process.poll()
                if code is not None:
                    raise ExternalToolError(
                        f"{self.name} exited with code {code} before it was ready; "
                        f"log {self.log_path}:\n{log_tail(self.log_path)}",
                        hint=self.install_hint,
                    )
            if self._is_ready():
                return
            if time.monotonic() > deadline:
                raise ExternalToolError(
                    f"{self.name} was not ready on {self.host}:{self.port} within "
                    f"{self._ready_timeout:.0f} s; log {self.log_path}:\n{log_tail(self.log_path)}",
                    hint=f"{self.install_hint}; on a loaded machine pass a larger ready_timeout",
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 0.25)

    def _stop_processes(self) -> None:
        # Last spawned first: a server may need its helpers (RabbitMQ its epmd) to shut down.
        for spawned in reversed(self._running):
            self._end_group(spawned.process)
        self._running.clear()
        self._after_stop()

    def _end_group(self, process: subprocess.Popen[bytes]) -> None:
        group = process.pid
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, self.stop_signal)
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(group, signal.SIGKILL)
                process.wait(timeout=10)
        # Sweep anything the leader left in its group (workers, shells).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)


def _stop_all_at_exit() -> None:
    for server in list(_LIVE):
        with contextlib.suppress(Exception):
            server.stop()


atexit.register(_stop_all_at_exit)
