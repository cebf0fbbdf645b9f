"""A private Redis server from the Debian package, with a password (``requirepass``)."""

from __future__ import annotations

import secrets
from typing import ClassVar

from prodready.testing._base import ManagedServer

__all__ = ["RedisServer"]


class RedisServer(ManagedServer):
    """Redis on loopback with a random password; data is saved on ``stop()`` and reloaded.

    The password lives in a config file in the private directory, never on the command line.
    """

    name: ClassVar[str] = "redis"
    ready_marker: ClassVar[str | None] = "Ready to accept connections"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        ready_timeout: float | None = None,
    ) -> None:
        super().__init__(host=host, port=port, ready_timeout=ready_timeout)
        self.password = secrets.token_urlsafe(18)

    @property
    def url(self) -> str:
        """``redis://:<password>@127.0.0.1:<port>/0``."""
        return f"redis://:{self.password}@{self.host}:{self.port}/0"

    def _prepare(self) -> None:
        config = self.root / "redis.conf"
        config.write_text(
            "\n".join(
                [
                    f"bind {self.host}",
                    f"port {self.port}",
                    f'requirepass "{self.password}"',
                    f'dir "{self.root}"',
                    "daemonize no",
                    'logfile ""',
                    "protected-mode yes",
                    # A save point makes a SIGTERM shutdown write the data that restart() reloads.
                    "save 3600 1",
                    "appendonly no",
                    "",
                ]
            )
        )
        config.chmod(0o600)

    def _launch(self) -> None:
        self._spawn(["redis-server", self.root / "redis.conf"])
