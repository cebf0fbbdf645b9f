"""The four readiness implementations under test, one FastAPI app each, chosen by BENCH_VARIANT.

Every variant serves ``/static`` (a plain 200, the baseline) plus its own liveness and readiness
routes, and checks the same two dependencies (``PG_URL``, ``REDIS_URL``) with its idiomatic API:

- ``prodready``: ``PostgresCheck`` + ``RedisCheck`` in a ``HealthRegistry``, ``HealthApp`` mounted
  at ``/health``, the runner started by the FastAPI lifespan (default 2 s timeout, 5 s interval).
- ``naive``: the hand-written endpoint of the seeds: ``SELECT 1`` on an asyncpg pool, then a Redis
  ``PING``, on every request, no timeout.
- ``fast-healthchecks``: ``HealthcheckRouter`` with a readiness ``Probe`` of
  ``PostgreSQLAsyncPGHealthCheck`` + ``RedisHealthCheck`` (``from_dsn``, library defaults).
- ``fastapi-health``: ``health([conditions])`` routes; conditions use the app's pool and client.

Run by ``bench/health/run.py`` under uvicorn in its own process; not part of the test suite.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse

VARIANT = os.environ.get("BENCH_VARIANT", "prodready")
PG_URL = os.environ["PG_URL"]
REDIS_URL = os.environ["REDIS_URL"]


async def static() -> PlainTextResponse:
    return PlainTextResponse("ok")


def prodready_app() -> FastAPI:
    from prodready.health import HealthApp, HealthRegistry, HealthRunner
    from prodready.health.checkers import PostgresCheck, RedisCheck

    registry = HealthRegistry()
    registry.add("postgres", PostgresCheck(PG_URL))
    registry.add("redis", RedisCheck(REDIS_URL))
    runner = HealthRunner(registry, drain_delay=0)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runner:
            yield

    app = FastAPI(lifespan=lifespan)
    app.add_api_route("/static", static)
    app.mount("/health", HealthApp(runner))
    return app


def naive_app() -> FastAPI:
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(PG_URL, min_size=0, max_size=10)
        state["redis"] = aioredis.from_url(REDIS_URL)
        yield
        await state["redis"].aclose()
        await state["pool"].close()

    app = FastAPI(lifespan=lifespan)
    app.add_api_route("/static", static)

    @app.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/health/ready")
    async def ready() -> JSONResponse:
        try:
            await state["pool"].fetchval("SELECT 1")
            await state["redis"].ping()
        except Exception as e:
            return JSONResponse({"status": "unhealthy", "error": str(e)}, status_code=503)
        return JSONResponse({"status": "healthy", "checks": {"postgres": "ok", "redis": "ok"}})

    return app


def fast_healthchecks_app() -> FastAPI:
    from fast_healthchecks.checks.postgresql.asyncpg import PostgreSQLAsyncPGHealthCheck
    from fast_healthchecks.checks.redis import RedisHealthCheck
    from fast_healthchecks.execution import Probe
    from fast_healthchecks.integrations.base import build_probe_route_options
    from fast_healthchecks.integrations.fastapi import HealthcheckRouter

    router = HealthcheckRouter(
        Probe(name="liveness", checks=[]),
        Probe(
            name="readiness",
            checks=[
                PostgreSQLAsyncPGHealthCheck.from_dsn(PG_URL),
                RedisHealthCheck.from_dsn(REDIS_URL),
            ],
        ),
        options=build_probe_route_options(success_status=200),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await router.close()

    app = FastAPI(lifespan=lifespan)
    app.add_api_route("/static", static)
    app.include_router(router)
    return app


def fastapi_health_app() -> FastAPI:
    from fastapi_health import health

    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(PG_URL, min_size=0, max_size=10)
        state["redis"] = aioredis.from_url(REDIS_URL)
        yield
        await state["redis"].aclose()
        await state["pool"].close()

    async def postgres_ok() -> bool:
        try:
            return bool(await state["pool"].fetchval("SELECT 1"))
        except Exception:
            return False

    async def redis_ok() -> bool:
        try:
            return bool(await state["redis"].ping())
        except Exception:
            return False

    app = FastAPI(lifespan=lifespan)
    app.add_api_route("/static", static)
    app.add_api_route("/health/live", health([]))
    app.add_api_route("/health/ready", health([postgres_ok, redis_ok]))
    return app


BUILDERS = {
    "prodready": prodready_app,
    "naive": naive_app,
    "fast-healthchecks": fast_healthchecks_app,
    "fastapi-health": fastapi_health_app,
}

app = BUILDERS[VARIANT]()
