"""The intent gateway.

- ``POST /api/v1/intents`` classifies a text with the baked intent model, stores the intent in
  MongoDB, publishes it to Kafka (``intents.classified``) for the specialist, and counts per-domain
  traffic in Redis;
- ``GET /api/v1/intents/{id}`` reads it back (``status`` turns ``analysed`` once analysed);
- ``GET /api/v1/domains/{domain}/intents`` lists what the specialist linked in Neo4j.

The startup probe gates on the model file being present in the cache; readiness checks MongoDB,
Neo4j, Redis and Kafka — and liveness checks none of them, which is what kept the seed's pods 0/1.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import redis.asyncio as aioredis
from fastapi import FastAPI, HTTPException, Request
from neo4j import AsyncGraphDatabase
from pydantic import BaseModel, Field
from pymongo import AsyncMongoClient

import prodready
from hive_mind.events import INTENTS_TOPIC
from hive_mind.kafka import BackgroundProducer
from hive_mind.models import IntentModel, model_path
from hive_mind.settings import Settings
from prodready.health import HealthRegistry


class IntentIn(BaseModel):
    text: Annotated[str, Field(min_length=1, max_length=2000)]
    lang: Annotated[str, Field(pattern=r"^(pt|en|es)$")] = "en"


def create_app(settings: Settings | None = None) -> prodready.Instrumented:
    settings = settings or Settings.load()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.model = IntentModel.load()
        app.state.mongo = AsyncMongoClient(settings.mongodb_url.get_secret_value())
        app.state.graph = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        app.state.cache = aioredis.from_url(settings.redis_url.get_secret_value())
        # Connects in the background: the gateway starts (not ready) during a Kafka outage.
        app.state.producer = BackgroundProducer(settings.kafka_bootstrap_servers)
        app.state.producer.start()
        try:
            yield
        finally:
            await app.state.producer.stop()
            await app.state.cache.aclose()
            await app.state.graph.close()
            await app.state.mongo.close()

    app = FastAPI(title="Neural Hive-Mind gateway", version="8.0.0", lifespan=lifespan)

    @app.post("/api/v1/intents", status_code=202)
    async def submit(intent: IntentIn, request: Request) -> dict[str, object]:
        state = request.app.state
        result = state.model.classify(intent.text)
        doc = {
            "_id": str(uuid.uuid4()),
            "text": intent.text,
            "lang": intent.lang,
            "domain": result.domain,
            "confidence": result.confidence,
            "status": "classified",
        }
        await state.mongo.hive.intents.insert_one(doc)
        await state.producer.send(
            INTENTS_TOPIC, json.dumps(doc).encode(), key=result.domain.encode()
        )
        await state.cache.hincrby("hive:domain-traffic", result.domain, 1)
        return {"id": doc["_id"], "domain": result.domain, "confidence": result.confidence}

    @app.get("/api/v1/intents/{intent_id}")
    async def get_intent(intent_id: str, request: Request) -> dict[str, object]:
        doc = await request.app.state.mongo.hive.intents.find_one({"_id": intent_id})
        if doc is None:
            raise HTTPException(404, f"no intent {intent_id}")
        return {"id": doc.pop("_id"), **doc}

    @app.get("/api/v1/domains/{domain}/intents")
    async def by_domain(domain: str, request: Request) -> list[dict[str, object]]:
        async with request.app.state.graph.session() as session:
            result = await session.run(
                "MATCH (i:Intent)-[:ABOUT]->(:Domain {name: $domain}) "
                "RETURN i.id AS id, i.text AS text ORDER BY i.id",
                domain=domain,
            )
            return [dict(record) async for record in result]

    # The startup gate: the model must have been baked into the image's cache at build time.
    # Until it passes, readiness stays 503 and Kubernetes keeps waiting instead of routing.
    health = HealthRegistry()
    health.add("intent-model", _model_present, groups=("startup",), local=True)
    return prodready.instrument(app, settings=settings, health=health)


async def _model_present() -> dict[str, object]:
    path = model_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"model file {path.name} is missing from the cache; the image build step "
            "'python -m hive_mind.models install' did not run"
        )
    return {"file": path.name, "bytes": path.stat().st_size}


app = create_app()
