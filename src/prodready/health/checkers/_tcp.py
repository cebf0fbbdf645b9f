"""TCP: a connection to ``host:port`` is accepted (then closed at once).

No driver: asyncio's own streams. The socket is closed whether the check succeeds, fails or is
cancelled by the runner's deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import ClassVar

__all__ = ["TcpCheck"]


class TcpCheck:
    """Opens and closes one TCP connection per check; succeeds when the peer accepts it.

    Proves reachability only (a port that accepts but never answers passes): prefer the
    protocol-level checker when there is one.
    """

    kind: ClassVar[str] = "tcp"
    component_type: ClassVar[str] = "component"

    def __init__(self, host: str, port: int) -> None:
        if not 0 < port < 65536:
            raise ValueError(f"TcpCheck: port {port!r} is not in 1..65535")
        self._host = host
        self._port = port

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TcpCheck | None:
        """Always ``None``: there is no conventional variable; register ``TcpCheck`` in code."""
        return None

    async def __call__(self) -> None:
        _reader, writer = await asyncio.open_connection(self._host, self._port)
        writer.close()
        # A reset right after the accept still proves the peer was reachable.
        with contextlib.suppress(OSError):
            await writer.wait_closed()

    async def aclose(self) -> None:
        """Nothing to release: no connection outlives a check."""
