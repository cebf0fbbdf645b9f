"""hive-mind (seed 004) against MongoDB-wire FerretDB, Neo4j, Redis and Kafka.

MongoDB itself is not available from this project's registries: the harness runs FerretDB, a
MongoDB-wire-compatible server (labelled in ``prodready.testing``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from tests.examples.conftest import AppFactory, import_example, post_once_connected

pytestmark = pytest.mark.slow


@pytest.fixture
def model_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The image's build step: install the model into the app-owned cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    models = import_example("hive-mind", "hive_mind.models")
    return Path(models.install())


@pytest.fixture
def env(
    mongodb_server: Any, neo4j_server: Any, redis_server: Any, kafka_server: Any
) -> dict[str, str]:
    return {
        "MONGODB_URL": mongodb_server.url,
        "NEO4J_URI": neo4j_server.url,
        "NEO4J_USER": neo4j_server.user,
        "NEO4J_PASSWORD": neo4j_server.password,
        "REDIS_URL": redis_server.url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_server.bootstrap_servers,
    }


def test_model_install_verifies_and_places_the_file_in_the_cache(model_cache: Path) -> None:
    assert model_cache.name == "intents-v1.json"
    assert model_cache.parent.name == "hive-mind"
    models = import_example("hive-mind", "hive_mind.models")
    result = models.IntentModel.load(model_cache).classify("the database api has latency")
    assert result.domain == "technical"
    assert 0.2 < result.confidence <= 1.0


def test_intent_flows_from_gateway_through_kafka_to_the_graph(
    model_cache: Path, env: dict[str, str], example_client: AppFactory
) -> None:
    client = example_client("hive-mind", "hive_mind", env)
    response = post_once_connected(
        client, "/api/v1/intents", {"text": "cut cloud cost to raise profit"}
    )
    assert response.status_code == 202, response.text
    intent = response.json()
    assert intent["domain"] == "business"

    specialist = import_example("hive-mind", "hive_mind.specialist")
    settings = import_example("hive-mind", "hive_mind.settings").Settings()

    async def run_until_linked() -> None:
        stop = asyncio.Event()
        worker = asyncio.create_task(specialist.run(settings, stop))
        try:
            for _ in range(200):
                linked = client.get("/api/v1/domains/business/intents").json()
                if intent["id"] in {row["id"] for row in linked}:
                    return
                await asyncio.sleep(0.25)
            raise AssertionError("the specialist never linked the intent")
        finally:
            stop.set()
            await worker

    asyncio.run(run_until_linked())
    stored = client.get(f"/api/v1/intents/{intent['id']}").json()
    assert stored["status"] == "analysed"


def test_startup_gate_fails_while_the_model_is_missing_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    main = import_example("hive-mind", "hive_mind.main")
    with pytest.raises(FileNotFoundError, match="did not run"):
        asyncio.run(main._model_present())
