"""Loopback ports: find a free one, tell whether one is bound or accepting."""

from __future__ import annotations

import socket
import time

__all__ = ["accepts_connections", "free_port", "is_bound", "wait_until_unbound"]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now, chosen by the kernel.

    The port is released before it is returned, so another process could take it in between; the
    servers here bind it within a second, which makes that race rare enough for a test suite.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def is_bound(host: str, port: int) -> bool:
    """Whether some socket holds ``host:port`` (connections in TIME_WAIT do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
        return False


def accepts_connections(host: str, port: int, timeout: float = 0.5) -> bool:
    """Whether a TCP connection to ``host:port`` succeeds within ``timeout`` seconds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until_unbound(host: str, ports: tuple[int, ...], timeout: float) -> bool:
    """Poll until none of ``ports`` is bound; ``False`` if one still is after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        if not any(is_bound(host, port) for port in ports):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
