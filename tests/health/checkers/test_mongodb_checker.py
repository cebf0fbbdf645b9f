"""MongoDB specifics, against mongo-java-server (MongoDB-wire-compatible, not MongoDB itself)."""

from __future__ import annotations

from typing import Any

import pytest

from prodready.health.checkers import MongoCheck

from .conftest import RunnerFactory


async def test_reuses_the_applications_client_and_leaves_it_open(mongodb_server: Any) -> None:
    from pymongo import AsyncMongoClient

    client: AsyncMongoClient[Any] = AsyncMongoClient(mongodb_server.url)
    try:
        check = MongoCheck(client=client)
        assert "version" in await check()
        await check.aclose()
        assert (await client.admin.command("ping"))["ok"] == 1
    finally:
        await client.close()


async def test_url_credentials_never_reach_a_detail_error_or_log(
    mongodb_server: Any, make_runner: RunnerFactory, debug_logs: pytest.LogCaptureFixture
) -> None:
    url = f"mongodb://app:mongo-secret-pw@{mongodb_server.host}:{mongodb_server.port}/"
    result = await make_runner(MongoCheck(url), timeout=10).run("dep")
    for text in (repr(result), debug_logs.text):
        assert "mongo-secret-pw" not in text
