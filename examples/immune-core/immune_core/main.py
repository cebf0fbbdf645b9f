"""The Active Immune Core API.

- ``POST /cytokines`` publishes a cytokine signal to Kafka (topic ``immune.cytokines``);
- ``PUT|GET /hormones/{name}`` keeps hormone levels in Redis;
- ``POST /memories`` and ``GET /memories/{antigen}`` persist immune memory in PostgreSQL.

Readiness, liveness, metrics, request IDs and logs come from one ``prodready.instrument`` call; the
dependency checks reuse the app's own pool and clients (no connection per probe).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import asyncpg
import redis.asyncio as aioredis
from fastapi import Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

import prodready
from immune_core.kafka import BackgroundProducer
from immune_core.settings import Settings

CYTOKINE_TOPIC = "immune.cytokines"


class Cytokine(BaseModel):
    kind: Annotated[str, Field(pattern=r"^(IL-[0-9]{1,2}|TNF-alpha|IFN-gamma)$")]
    source: Annotated[str, Field(min_length=1, max_length=100)]
    intensity: Annotated[float, Field(ge=0.0, le=1.0)]


class Hormone(BaseModel):
    level: Annotated[float, Field(ge=0.0)]


class Memory(BaseModel):
    antigen: Annotated[str, Field(min_length=1, max_length=200)]
    response: Annotated[str, Field(min_length=1, max_length=200)]
    strength: Annotated[float, Field(ge=0.0, le=1.0)]


class Clients:
    """The long-lived clients, created once per worker in the lifespan."""

    def __init__(self, pool: asyncpg.Pool, cache: aioredis.Redis, producer: BackgroundProducer):
        self.pool = pool
        self.cache = cache
        self.producer = producer


def _clients(request: Request) -> Clients:
    return request.app.state.clients  # type: ignore[no-any-return]


# Module level: FastAPI resolves these string annotations in the module's namespace.
Deps = Annotated[Clients, Depends(_clients)]


def create_app(settings: Settings | None = None) -> prodready.Instrumented:
    settings = settings or Settings.load()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # min_size=0 and a background producer: the service starts (and reports not-ready)
        # while a dependency is down, instead of crash-looping.
        pool = await asyncpg.create_pool(
            settings.database_url.get_secret_value(), min_size=0, max_size=5
        )
        cache = aioredis.from_url(settings.redis_url.get_secret_value())
        producer = BackgroundProducer(settings.kafka_bootstrap_servers)
        producer.start()
        app.state.clients = Clients(pool, cache, producer)
        try:
            yield
        finally:
            await producer.stop()
            await cache.aclose()
            await pool.close()

    app = FastAPI(title="Active Immune Core", version="1.0.0", lifespan=lifespan)

    @app.post("/cytokines", status_code=202)
    async def signal(cytokine: Cytokine, deps: Deps) -> dict[str, object]:
        payload = json.dumps(cytokine.model_dump()).encode()
        meta = await deps.producer.send(CYTOKINE_TOPIC, payload, key=cytokine.kind.encode())
        return {"topic": meta.topic, "partition": meta.partition, "offset": meta.offset}

    @app.put("/hormones/{name}")
    async def set_hormone(name: str, hormone: Hormone, deps: Deps) -> dict[str, object]:
        await deps.cache.hset("immune:hormones", name, hormone.level)
        return {"name": name, "level": hormone.level}

    @app.get("/hormones/{name}")
    async def get_hormone(name: str, deps: Deps) -> dict[str, object]:
        level = await deps.cache.hget("immune:hormones", name)
        if level is None:
            raise HTTPException(404, f"no hormone named {name!r}")
        return {"name": name, "level": float(level)}

    @app.post("/memories", status_code=201)
    async def remember(memory: Memory, deps: Deps) -> Memory:
        await deps.pool.execute(
            "INSERT INTO immune_memory (antigen, response, strength) VALUES ($1, $2, $3) "
            "ON CONFLICT (antigen) DO UPDATE SET response = $2, strength = $3, updated_at = now()",
            memory.antigen,
            memory.response,
            memory.strength,
        )
        return memory

    @app.get("/memories/{antigen}")
    async def recall(antigen: str, deps: Deps) -> Memory:
        row = await deps.pool.fetchrow(
            "SELECT antigen, response, strength FROM immune_memory WHERE antigen = $1", antigen
        )
        if row is None:
            raise HTTPException(404, f"no memory of antigen {antigen!r}")
        return Memory(**dict(row))

    return prodready.instrument(app, settings=settings)


app = create_app()
