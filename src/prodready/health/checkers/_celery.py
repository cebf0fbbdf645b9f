"""Celery: workers answer a ``ping`` broadcast through the broker within their own timeout.

Driver: Celery (``prodready[celery]``). Celery's control API is synchronous, so the ping runs on a
worker thread; it is bounded by ``ping_timeout`` (and the broker connection by
``connect_timeout``), never by the broker's default retry policy that can hang for minutes.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from prodready.health._model import Details
from prodready.health.checkers._base import CheckFailed, require

__all__ = ["CeleryCheck"]


class CeleryCheck:
    """At least ``min_workers`` workers must answer within ``ping_timeout`` seconds.

    Uses the application's ``Celery`` app when given (its broker settings), else an app built from
    ``broker_url``. One broker connection is kept between checks; a ping still running on its
    thread (the runner gave up on it) makes the next check fail fast rather than pile up threads.
    """

    kind: ClassVar[str] = "celery"
    component_type: ClassVar[str] = "component"
    env_vars: ClassVar[tuple[str, ...]] = ("CELERY_BROKER_URL",)

    def __init__(
        self,
        app: Any = None,
        *,
        broker_url: str | None = None,
        ping_timeout: float = 1.0,
        connect_timeout: float = 2.0,
        min_workers: int = 1,
    ) -> None:
        if (app is None) == (broker_url is None):
            raise ValueError("CeleryCheck takes exactly one of app or broker_url=")
        self._owns_app = app is None
        if app is None:
            celery = require("celery", what="Celery", extra="celery")
            app = celery.Celery("prodready-health", broker=broker_url, set_as_current=False)
        self._app = app
        self._ping_timeout = ping_timeout
        self._connect_timeout = connect_timeout
        self._min_workers = min_workers
        self._connection: Any = None
        self._busy = threading.Lock()

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> CeleryCheck | None:
        """From ``CELERY_BROKER_URL``; ``None`` when unset."""
        url = env.get("CELERY_BROKER_URL")
        return cls(broker_url=url) if url else None

    def _ping(self) -> list[Any]:
        if not self._busy.acquire(blocking=False):
            raise CheckFailed("the previous Celery ping is still waiting for the broker")
        try:
            if self._connection is None:
                self._connection = self._app.connection_for_write(
                    connect_timeout=self._connect_timeout,
                    transport_options={
                        "socket_timeout": self._connect_timeout + self._ping_timeout,
                        "socket_connect_timeout": self._connect_timeout,
                        "max_retries": 0,
                    },
                )
            try:
                self._connection.ensure_connection(max_retries=1, interval_start=0)
                replies: list[Any] = self._app.control.ping(
                    timeout=self._ping_timeout, connection=self._connection
                )
            except Exception:
                self._connection.release()  # a broken connection is rebuilt next time
                self._connection = None
                raise
            return replies
        finally:
            self._busy.release()

    async def __call__(self) -> Details:
        replies = await asyncio.to_thread(self._ping)
        if len(replies) < self._min_workers:
            raise CheckFailed(
                f"{len(replies)} Celery worker(s) answered the ping within {self._ping_timeout} s,"
                f" expected at least {self._min_workers}"
            )
        return {"workers": len(replies)}

    async def aclose(self) -> None:
        """Release the broker connection this checker opened, and the app if it built one.

        An application's own Celery app is left alone, and so are kombu's process-wide pools.
        """
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await asyncio.to_thread(connection.release)
        if self._owns_app:
            # The ping is published through kombu's process-wide pools for this broker URL,
            # shared with any Celery app of the application: they stay open (bounded: one
            # producer connection per broker URL per process, not one per check).
            self._app.close()
