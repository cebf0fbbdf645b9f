"""HTTP upstream: one request to a configured URL, answered with an expected status.

Driver: httpx (``prodready[http]``); an application's ``httpx.AsyncClient`` is reused as given.
Redirects are never followed: the check talks to the configured URL and nothing else.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from prodready.health._model import Details
from prodready.health.checkers._base import (
    CheckFailed,
    OwnedClient,
    owned_http_client,
    require,
    split_credentials,
)

__all__ = ["HttpCheck"]


class HttpCheck:
    """``method url`` must answer one of ``expected_status`` (default: any 2xx).

    Credentials in the URL (``https://user:pw@host/health``) are sent as basic auth and never
    appear in a log line or message. A 3xx answer fails unless expected: following it could reach
    another host (the check would then vouch for, and send traffic to, something else).
    """

    kind: ClassVar[str] = "http"
    component_type: ClassVar[str] = "component"

    def __init__(
        self,
        url: str,
        *,
        expected_status: int | Collection[int] = range(200, 300),
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        client: Any = None,
    ) -> None:
        httpx = require("httpx", what="httpx (the HTTP client)", extra="http")
        self._url, self._auth = split_credentials(url)
        if not self._url.startswith(("http://", "https://")):
            raise ValueError("HttpCheck: the URL must start with http:// or https://")
        self._expected = (
            frozenset({expected_status})
            if isinstance(expected_status, int)
            else frozenset(expected_status)
        )
        self._method = method
        self._headers = dict(headers or {})
        self._client = client
        self._owned: OwnedClient[Any] | None = (
            None if client is not None else owned_http_client(httpx)
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> HttpCheck | None:
        """Always ``None``: upstream URLs are named in code, one ``HttpCheck`` each."""
        return None

    async def __call__(self) -> Details:
        client = self._client if self._owned is None else await self._owned.get()
        response = await client.request(
            self._method,
            self._url,
            headers=self._headers,
            auth=self._auth,
            follow_redirects=False,
        )
        await response.aclose()
        if response.status_code not in self._expected:
            what = "a redirect (not followed)" if response.is_redirect else "an unexpected status"
            raise CheckFailed(f"{self._method} answered {response.status_code}: {what}")
        return {"status_code": response.status_code}

    async def aclose(self) -> None:
        """Close the client this checker created; an application's client is left alone."""
        if self._owned is not None:
            await self._owned.aclose()
