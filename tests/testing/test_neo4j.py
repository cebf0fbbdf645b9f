from __future__ import annotations

import pytest
from neo4j import AsyncGraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from prodready.testing import Neo4jServer


async def test_neo4j_server_runs_a_cypher_query_with_its_credentials(
    neo4j_server: Neo4jServer,
) -> None:
    auth = (neo4j_server.user, neo4j_server.password)
    async with AsyncGraphDatabase.driver(neo4j_server.url, auth=auth) as driver:
        records, _, _ = await driver.execute_query(
            "MERGE (s:Service {name: $name}) RETURN s.name AS name", name="prodready"
        )
    assert [r["name"] for r in records] == ["prodready"]


async def test_neo4j_server_rejects_a_wrong_password(neo4j_server: Neo4jServer) -> None:
    async with AsyncGraphDatabase.driver(neo4j_server.url, auth=("neo4j", "wrong-pass")) as driver:
        with pytest.raises(AuthError):
            await driver.verify_connectivity()


@pytest.mark.slow
async def test_shared_neo4j_stopped_fails_then_restart_recovers_its_graph(
    neo4j_server: Neo4jServer,
) -> None:
    auth = (neo4j_server.user, neo4j_server.password)
    async with AsyncGraphDatabase.driver(neo4j_server.url, auth=auth) as driver:
        await driver.execute_query("MERGE (:Marker {name: 'survives'})")
    neo4j_server.stop()
    async with AsyncGraphDatabase.driver(neo4j_server.url, auth=auth) as driver:
        with pytest.raises(ServiceUnavailable):
            await driver.verify_connectivity()
    neo4j_server.start()
    async with AsyncGraphDatabase.driver(neo4j_server.url, auth=auth) as driver:
        records, _, _ = await driver.execute_query("MATCH (m:Marker) RETURN m.name AS name")
    assert [r["name"] for r in records] == ["survives"]
