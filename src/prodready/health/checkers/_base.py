"""What every built-in checker shares: the failure type, the lazy driver import, the owned client.

A checker module imports its driver only when a checker is built, never at import time, so that
``import prodready`` works without any optional extra installed.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any, Generic, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from prodready.errors import MissingDependencyError

__all__ = ["CheckFailed", "OwnedClient", "owned_http_client", "require", "split_credentials"]

T = TypeVar("T")


class CheckFailed(Exception):
    """A dependency answered, but not in a way a healthy one would (a missing topic, a red cluster).

    The message is shown to operators after scrubbing; it names facts (topic names, statuses),
    never a URL or a credential.
    """


def require(module: str, *, what: str, extra: str) -> ModuleType:
    """Import an optional driver or raise :class:`MissingDependencyError` naming the extra."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise MissingDependencyError(what, extra=extra) from e


class OwnedClient(Generic[T]):
    """One long-lived client a checker creates on first use and closes in ``aclose``.

    Creation is serialized by a lock, so concurrent first checks open one client, not several. A
    creation cancelled by the runner's deadline leaves nothing behind: the next check retries.
    """

    def __init__(
        self,
        create: Callable[[], Awaitable[T]],
        close: Callable[[T], Awaitable[object]],
    ) -> None:
        self._create = create
        self._close = close
        self._client: T | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> T:
        """The client, created on first use."""
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                self._client = await self._create()
            return self._client

    async def reset(self) -> None:
        """Close the client (if any) so that the next :meth:`get` builds a fresh one."""
        client, self._client = self._client, None
        if client is not None:
            await self._close(client)

    aclose = reset


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """``(url without user:password@, (user, password) or None)``.

    HTTP clients log request URLs; taking the credentials out of the URL and sending them as an
    ``Authorization`` header keeps them out of every log line and error message.
    """
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return bare, (unquote(parts.username or ""), unquote(parts.password or ""))


def owned_http_client(httpx: Any) -> OwnedClient[Any]:
    """One long-lived ``httpx.AsyncClient`` that never follows redirects.

    A redirect could send the check (and any credentials) to a host nobody configured, so HTTP
    checkers only ever talk to the URL they were given.
    """

    async def create() -> Any:
        return httpx.AsyncClient(follow_redirects=False)

    async def close(client: Any) -> None:
        await client.aclose()

    return OwnedClient(create, close)
