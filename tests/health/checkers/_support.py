"""Counts of this process's sockets and file descriptors, and of a local server's connections.

Socket counts map this process's file descriptors to ``/proc/net/tcp`` inodes, so a socket only
counts while this process still holds it open.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path


def _socket_inodes() -> set[str]:
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def sockets_to(port: int) -> int:
    """How many TCP sockets this process holds open to remote ``port`` (IPv4 and IPv6)."""
    mine = _socket_inodes()
    count = 0
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if remote_port == port and fields[9] in mine:
                count += 1
    return count


def established_on(port: int) -> int:
    """ESTABLISHED TCP connections whose *local* port is ``port``: a local server's clients."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                count += 1
    return count


def open_fds() -> int:
    """This process's open file descriptors."""
    return len(os.listdir("/proc/self/fd"))


async def sockets_to_after_settling(port: int) -> int:
    """:func:`sockets_to` once it reaches 0, or after 2 s.

    The runner cancels a timed-out check and returns at once; the cancelled task closes its
    socket on its next turns of the event loop.
    """
    for _ in range(100):
        if sockets_to(port) == 0:
            return 0
        await asyncio.sleep(0.02)
    return sockets_to(port)
