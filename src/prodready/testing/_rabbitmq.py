"""A private RabbitMQ node from the Debian package, with its own epmd, node name and ports."""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path
from typing import ClassVar

from prodready.testing._base import ManagedServer
from prodready.testing._ports import free_port

__all__ = ["RabbitMQServer"]

_RABBITMQ_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
# AMQP 0-9-1 protocol header; a broker that accepts work answers with a Connection.Start frame.
_AMQP_HEADER = b"AMQP\x00\x00\x09\x01"
_FRAME_METHOD = 1


class RabbitMQServer(ManagedServer):
    """RabbitMQ with a ``prodready`` user (random password) on the default vhost ``/``.

    The node never meets a system RabbitMQ: it has its own node name, epmd (started and stopped
    with it on a private port), distribution port, Erlang cookie and directories, and runs as the
    current user (the Debian wrapper that switches to the ``rabbitmq`` account is bypassed). No
    plugin is enabled, so there is no management HTTP port.
    """

    name: ClassVar[str] = "rabbitmq"
    ready_timeout: ClassVar[float] = 90.0

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        ready_timeout: float | None = None,
    ) -> None:
        super().__init__(host=host, port=port, ready_timeout=ready_timeout)
        self.user = "prodready"
        self.password = secrets.token_urlsafe(18)
        self.epmd_port = free_port(host)
        self.dist_port = free_port(host)
        self.node_name = f"prodready{self.port}@localhost"

    @property
    def url(self) -> str:
        """``amqp://prodready:<password>@127.0.0.1:<port>/``."""
        return f"amqp://{self.user}:{self.password}@{self.host}:{self.port}/"

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port, self.epmd_port, self.dist_port)

    def _env(self) -> dict[str, str]:
        root = self.root
        return {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": str(root / "home"),  # the Erlang cookie lives in $HOME
            "ERL_EPMD_PORT": str(self.epmd_port),
            "ERL_EPMD_ADDRESS": self.host,
            "RABBITMQ_CONF_ENV_FILE": str(root / "rabbitmq-env.conf"),
            "RABBITMQ_NODENAME": self.node_name,
            "RABBITMQ_NODE_IP_ADDRESS": self.host,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_CONFIG_FILE": str(root / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(root / "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(root / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(root / "mnesia"),
            "RABBITMQ_LOG_BASE": str(root / "log"),
            "RABBITMQ_LOGS": "-",
            "RABBITMQ_PID_FILE": str(root / "rabbitmq.pid"),
            # Two schedulers without busy-waiting: polite on a small shared machine.
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "+S 2:2 +sbwt none +sbwtdcpu none +sbwtdio none",
        }

    def _prepare(self) -> None:
        root = self.root
        for sub in ("home", "mnesia", "log"):
            (root / sub).mkdir()
        (root / "rabbitmq-env.conf").write_text("")
        (root / "enabled_plugins").write_text("[].\n")
        (root / "advanced.config").write_text("[].\n")
        config = root / "rabbitmq.conf"
        config.write_text(
            "\n".join(
                [
                    f"listeners.tcp.default = {self.host}:{self.port}",
                    f"default_user = {self.user}",
                    f"default_pass = {self.password}",
                    "loopback_users = none",
                    "log.console = true",
                    "log.console.level = info",
                    "log.file = false",
                    "",
                ]
            )
        )
        config.chmod(0o600)

    def _launch(self) -> None:
        env = self._env()
        self._spawn(["epmd", "-port", str(self.epmd_port), "-address", self.host], env=env)
        self._wait_for_port(self.epmd_port, what="epmd")
        self._spawn([_RABBITMQ_SERVER], env=env)

    def _is_ready(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1.0) as sock:
                sock.sendall(_AMQP_HEADER)
                first = sock.recv(1)
        except OSError:
            return False
        return first == bytes([_FRAME_METHOD])
