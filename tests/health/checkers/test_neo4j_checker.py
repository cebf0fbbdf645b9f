"""Neo4j specifics: the application's driver is reused; credentials from NEO4J_AUTH work."""

from __future__ import annotations

from typing import Any

from prodready.health import Status
from prodready.health.checkers import Neo4jCheck

from .conftest import RunnerFactory


async def test_reuses_the_applications_driver_and_leaves_it_open(neo4j_server: Any) -> None:
    from neo4j import AsyncGraphDatabase

    driver = AsyncGraphDatabase.driver(
        neo4j_server.url, auth=(neo4j_server.user, neo4j_server.password)
    )
    try:
        check = Neo4jCheck(driver=driver)
        assert (await check())["edition"] == "community"
        await check.aclose()
        await driver.verify_connectivity()
    finally:
        await driver.close()


async def test_from_env_with_the_docker_style_neo4j_auth_connects(
    neo4j_server: Any, make_runner: RunnerFactory
) -> None:
    env = {"NEO4J_URI": neo4j_server.url, "NEO4J_AUTH": f"neo4j/{neo4j_server.password}"}
    check = Neo4jCheck.from_env(env)
    assert check is not None
    result = await make_runner(check, timeout=20).run("dep")
    assert result.status is Status.HEALTHY, result.error
