"""Elasticsearch / OpenSearch: ``GET /_cluster/health``; green, yellow, red map to
HEALTHY, DEGRADED, UNHEALTHY.

Driver: httpx (``prodready[elasticsearch]``); an application's ``httpx.AsyncClient`` is reused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from prodready.health._model import Degraded, Details
from prodready.health.checkers._base import (
    CheckFailed,
    OwnedClient,
    owned_http_client,
    require,
    split_credentials,
)

__all__ = ["ElasticsearchCheck", "OpenSearchCheck"]


class ElasticsearchCheck:
    """One ``_cluster/health`` request per check over one long-lived HTTP client.

    Details: cluster status, node count, active and unassigned shards. Yellow (replicas not
    allocated) is DEGRADED: searches work, redundancy does not. Red (a primary shard missing) fails.
    Credentials in the URL are sent as basic auth, never logged.
    """

    kind: ClassVar[str] = "elasticsearch"
    component_type: ClassVar[str] = "datastore"
    env_vars: ClassVar[tuple[str, ...]] = ("ELASTICSEARCH_URL",)

    def __init__(self, url: str, *, client: Any = None) -> None:
        httpx = require("httpx", what="httpx (the HTTP client)", extra="elasticsearch")
        base, self._auth = split_credentials(url)
        self._url = base.rstrip("/") + "/_cluster/health"
        self._client = client
        self._owned: OwnedClient[Any] | None = (
            None if client is not None else owned_http_client(httpx)
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ElasticsearchCheck | None:
        """From the first of :attr:`env_vars` that is set (a comma list uses its first URL)."""
        for name in cls.env_vars:
            if env.get(name):
                return cls(env[name].split(",", 1)[0].strip())
        return None

    async def __call__(self) -> Details | Degraded:
        client = self._client if self._owned is None else await self._owned.get()
        response = await client.get(self._url, auth=self._auth, follow_redirects=False)
        if response.status_code != 200:
            raise CheckFailed(f"_cluster/health answered HTTP {response.status_code}")
        body = response.json()
        status = body.get("status")
        details = {
            "status": status,
            "number_of_nodes": body.get("number_of_nodes"),
            "active_shards": body.get("active_shards"),
            "unassigned_shards": body.get("unassigned_shards"),
        }
        if status == "green":
            return details
        if status == "yellow":
            return Degraded("cluster status yellow: some replica shards are not allocated", details)
        raise CheckFailed(f"cluster status {status}: some primary shards are not allocated")

    async def aclose(self) -> None:
        """Close the client this checker created; an application's client is left alone."""
        if self._owned is not None:
            await self._owned.aclose()


class OpenSearchCheck(ElasticsearchCheck):
    """The same probe for OpenSearch (the API is shared), configured by ``OPENSEARCH_URL``."""

    kind: ClassVar[str] = "opensearch"
    env_vars: ClassVar[tuple[str, ...]] = ("OPENSEARCH_URL",)
