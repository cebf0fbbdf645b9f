"""Elasticsearch/OpenSearch status mapping: green, yellow, red -> HEALTHY, DEGRADED, UNHEALTHY.

Green and yellow come from a real OpenSearch node; red (a primary shard lost) cannot be caused on
demand, so the mapping, pure logic over the ``_cluster/health`` body, is also checked through
``httpx.MockTransport``. The other scenarios against OpenSearch are in the scenario tests.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from prodready.health import Reason, Status
from prodready.health.checkers import ElasticsearchCheck, OpenSearchCheck

from .conftest import RunnerFactory

SEEN: list[httpx.Request] = []


def _client(status: str | None, code: int = 200) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        SEEN.append(request)
        body: dict[str, Any] = {
            "cluster_name": "c",
            "status": status,
            "number_of_nodes": 3,
            "active_shards": 10,
            "unassigned_shards": 0 if status == "green" else 2,
        }
        return httpx.Response(code, json=body)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


@pytest.mark.parametrize(
    ("cluster", "status"),
    [("green", Status.HEALTHY), ("yellow", Status.DEGRADED), ("red", Status.UNHEALTHY)],
)
async def test_cluster_status_maps_to_health_status(
    cluster: str, status: Status, make_runner: RunnerFactory
) -> None:
    async with _client(cluster) as client:
        result = await make_runner(ElasticsearchCheck("http://es:9200", client=client)).run("dep")
    assert result.status is status
    assert result.details.get("status", cluster) == cluster
    if status is Status.DEGRADED:
        assert result.reason is Reason.EXPLICIT
        assert result.details["unassigned_shards"] == 2


async def test_a_non_200_answer_fails_with_its_status(make_runner: RunnerFactory) -> None:
    async with _client(None, code=401) as client:
        result = await make_runner(ElasticsearchCheck("http://es:9200", client=client)).run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.error is not None
    assert "401" in result.error


async def test_url_credentials_become_basic_auth_not_part_of_the_url() -> None:
    SEEN.clear()
    async with _client("green") as client:
        await OpenSearchCheck("https://admin:s3cret-os@search:9200/", client=client)()
    request = SEEN[-1]
    assert str(request.url) == "https://search:9200/_cluster/health"
    expected = base64.b64encode(b"admin:s3cret-os").decode()
    assert request.headers["authorization"] == f"Basic {expected}"


def test_opensearch_reads_opensearch_url() -> None:
    check = OpenSearchCheck.from_env({"OPENSEARCH_URL": "http://os:9200"})
    assert isinstance(check, OpenSearchCheck)
    assert check.kind == "opensearch"
    assert ElasticsearchCheck.from_env({"OPENSEARCH_URL": "http://os:9200"}) is None


async def test_a_real_single_node_with_replicas_wanted_is_yellow_then_green_without(
    opensearch_server: Any, make_runner: RunnerFactory
) -> None:
    index = f"{opensearch_server.url}/prodready-yellow"
    runner = make_runner(OpenSearchCheck(opensearch_server.url), timeout=10)
    async with httpx.AsyncClient() as http:
        settings = {"settings": {"number_of_shards": 1, "number_of_replicas": 1}}
        (await http.put(index, json=settings)).raise_for_status()
        try:
            await http.get(
                f"{opensearch_server.url}/_cluster/health",
                params={"wait_for_status": "yellow", "timeout": "20s"},
            )
            yellow = await runner.run("dep")
        finally:
            await http.delete(index)
    assert yellow.status is Status.DEGRADED
    assert yellow.details["unassigned_shards"] >= 1
    assert (await runner.run("dep")).status is Status.HEALTHY
