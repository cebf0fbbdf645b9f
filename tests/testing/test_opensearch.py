from __future__ import annotations

import httpx
import pytest

from prodready.testing import OpenSearchServer


async def test_opensearch_server_indexes_and_searches_a_document(
    opensearch_server: OpenSearchServer,
) -> None:
    async with httpx.AsyncClient(base_url=opensearch_server.url, timeout=30) as client:
        created = await client.put(
            "/services/_doc/1", params={"refresh": "true"}, json={"name": "blue widget"}
        )
        assert created.status_code == 201
        found = await client.post(
            "/services/_search", json={"query": {"match": {"name": "widget"}}}
        )
    hits = found.json()["hits"]["hits"]
    assert [h["_source"]["name"] for h in hits] == ["blue widget"]


@pytest.mark.slow
async def test_shared_opensearch_stopped_fails_then_restart_keeps_the_index(
    opensearch_server: OpenSearchServer,
) -> None:
    async with httpx.AsyncClient(base_url=opensearch_server.url, timeout=30) as client:
        await client.put("/kept/_doc/1", params={"refresh": "true"}, json={"v": 1})
        opensearch_server.stop()
        with pytest.raises(httpx.ConnectError):
            await client.get("/_cluster/health")
        opensearch_server.start()
        response = await client.get("/kept/_doc/1")
    assert response.json()["_source"] == {"v": 1}
