"""The Vision API, served behind the generated nginx edge.

- ``POST /api/analyses`` (body: a binary PGM/PPM image) analyses it once: results are stored in
  PostgreSQL and cached in Redis by the image's SHA-256, so a repeated upload costs one lookup;
- ``GET /api/analyses/{sha256}`` returns a stored analysis.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import Annotated

import asyncpg
import redis.asyncio as aioredis
from fastapi import Depends, FastAPI, HTTPException, Request

import prodready
from vision.analysis import ImageError, analyse
from vision.settings import Settings

CACHE_TTL_S = 3600
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # nginx's client_max_body_size for this service is 10m too


def _pool(request: Request) -> asyncpg.Pool:
    return request.app.state.pool  # type: ignore[no-any-return]


def _cache(request: Request) -> aioredis.Redis:
    return request.app.state.cache  # type: ignore[no-any-return]


# Module level: FastAPI resolves these string annotations in the module's namespace.
Pool = Annotated[asyncpg.Pool, Depends(_pool)]
Cache = Annotated[aioredis.Redis, Depends(_cache)]


def create_app(settings: Settings | None = None) -> prodready.Instrumented:
    settings = settings or Settings.load()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # min_size=0: the service starts (and reports not-ready) while the database is down.
        pool = await asyncpg.create_pool(
            settings.database_url.get_secret_value(), min_size=0, max_size=5
        )
        app.state.pool = pool
        app.state.cache = aioredis.from_url(settings.redis_url.get_secret_value())
        try:
            yield
        finally:
            await app.state.cache.aclose()
            await pool.close()

    app = FastAPI(title="Vision API", version="1.0.0", lifespan=lifespan)

    @app.post("/api/analyses", status_code=201)
    async def create_analysis(request: Request, db: Pool, kv: Cache) -> dict[str, object]:
        body = await request.body()
        if len(body) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"image larger than {MAX_UPLOAD_BYTES} bytes")
        digest = hashlib.sha256(body).hexdigest()
        cached = await kv.get(f"vision:analysis:{digest}")
        if cached is not None:
            return {"sha256": digest, "cached": True, **json.loads(cached)}
        try:
            stats = asdict(analyse(body))
        except ImageError as exc:
            raise HTTPException(422, str(exc)) from exc
        await db.execute(
            "INSERT INTO analyses (sha256, width, height, brightness, contrast, edge_density) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
            digest,
            *stats.values(),
        )
        await kv.set(f"vision:analysis:{digest}", json.dumps(stats), ex=CACHE_TTL_S)
        return {"sha256": digest, "cached": False, **stats}

    @app.get("/api/analyses/{sha256}")
    async def get_analysis(sha256: str, db: Pool) -> dict[str, object]:
        row = await db.fetchrow(
            "SELECT width, height, brightness, contrast, edge_density FROM analyses "
            "WHERE sha256 = $1",
            sha256,
        )
        if row is None:
            raise HTTPException(404, f"no analysis for {sha256}")
        return {"sha256": sha256, **dict(row)}

    return prodready.instrument(app, settings=settings)


app = create_app()
