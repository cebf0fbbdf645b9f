"""The HITL review API.

- ``POST /reviews`` files an APV for human review and pushes it to every ``/ws/reviews`` client;
  the push crosses workers through Redis pub/sub, so all 4 workers' sockets see every review;
- ``GET /reviews?status=pending`` lists reviews;
- ``POST /reviews/{apv_code}/decision`` records a reviewer's decision in PostgreSQL and publishes it
  to the durable RabbitMQ queue ``hitl.decisions`` for the remediation workers, through a
  transactional outbox (:mod:`hitl.outbox`): the decision and its message are stored in one
  transaction, so the endpoint answers 201 during a RabbitMQ outage and the message follows once
  the broker is back. Delivery is at least once; each message carries its outbox ``id`` for
  consumers to drop duplicates.

The schema is created by the Alembic migration (``alembic upgrade head``), run once per release by
the deployment, never by the app at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Literal

import redis.asyncio as aioredis
import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

import prodready
from hitl.amqp import BackgroundChannel
from hitl.models import APVReview, DecisionOutbox, HITLDecision
from hitl.outbox import OutboxRelay
from hitl.settings import Settings, asyncpg_url

DECISIONS_QUEUE = "hitl.decisions"
REVIEWS_CHANNEL = "hitl:reviews"


class ReviewIn(BaseModel):
    apv_code: Annotated[str, Field(min_length=1, max_length=50)]
    cve_id: Annotated[str, Field(pattern=r"^CVE-\d{4}-\d{4,}$")]
    severity: Literal["low", "medium", "high", "critical"]
    package_name: Annotated[str, Field(min_length=1, max_length=100)]
    patch_strategy: str | None = None
    wargame_verdict: str | None = None
    wargame_confidence: Annotated[float, Field(ge=0, le=1)] | None = None


class DecisionIn(BaseModel):
    decision: Literal["approve", "reject", "modify", "escalate"]
    reviewer_name: Annotated[str, Field(min_length=1, max_length=100)]
    reviewer_email: str | None = None
    comments: str | None = None
    confidence_override: Annotated[float, Field(ge=0, le=1)] | None = None


class Hub:
    """The WebSocket clients of this worker; reviews arrive through Redis from every worker."""

    def __init__(self) -> None:
        self.sockets: set[WebSocket] = set()

    async def broadcast(self, message: str) -> None:
        for ws in list(self.sockets):
            try:
                await ws.send_text(message)
            except (WebSocketDisconnect, RuntimeError):
                self.sockets.discard(ws)


class Clients:
    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        cache: aioredis.Redis,
        decisions: BackgroundChannel,
        outbox: OutboxRelay,
        hub: Hub,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.cache = cache
        self.decisions = decisions
        self.outbox = outbox
        self.hub = hub


async def _relay(cache: aioredis.Redis, hub: Hub) -> None:
    """Forward Redis pub/sub messages to this worker's sockets; resubscribe after an outage."""
    while True:
        pubsub = cache.pubsub()
        try:
            await pubsub.subscribe(REVIEWS_CHANNEL)
            async for message in pubsub.listen():
                if message["type"] == "message":
                    await hub.broadcast(message["data"].decode())
        except aioredis.RedisError:
            await asyncio.sleep(1.0)
        finally:
            await pubsub.aclose()


def _review_dict(review: APVReview) -> dict[str, object]:
    return {
        "apv_code": review.apv_code,
        "cve_id": review.cve_id,
        "severity": review.severity,
        "package_name": review.package_name,
        "status": review.status,
        "wargame_verdict": review.wargame_verdict,
        "wargame_confidence": review.wargame_confidence,
    }


def _clients(request: Request) -> Clients:
    return request.app.state.clients  # type: ignore[no-any-return]


# Module level: FastAPI resolves these string annotations in the module's namespace.
Deps = Annotated[Clients, Depends(_clients)]


def create_app(settings: Settings | None = None) -> prodready.Instrumented:
    settings = settings or Settings.load()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_async_engine(asyncpg_url(settings.database_url.get_secret_value()))
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        cache = aioredis.from_url(settings.redis_url.get_secret_value())
        # Connects in the background: the service starts (not ready) during a RabbitMQ outage.
        decisions = BackgroundChannel(settings.rabbitmq_url.get_secret_value(), DECISIONS_QUEUE)
        outbox = OutboxRelay(sessions, decisions)
        decisions.on_connect(outbox.wake)
        decisions.start()
        hub = Hub()
        tasks = [asyncio.create_task(_relay(cache, hub)), asyncio.create_task(outbox.run())]
        app.state.clients = Clients(engine, sessions, cache, decisions, outbox, hub)
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await decisions.stop()
            await cache.aclose()
            await engine.dispose()

    app = FastAPI(title="HITL review API", version="1.0.0", lifespan=lifespan)

    @app.post("/reviews", status_code=201)
    async def file_review(body: ReviewIn, deps: Deps) -> dict[str, object]:
        review = APVReview(**body.model_dump(), status="pending")
        async with deps.sessions() as session:
            session.add(review)
            try:
                await session.commit()
            except sa.exc.IntegrityError as exc:
                raise HTTPException(409, f"APV {body.apv_code!r} is already filed") from exc
        data = _review_dict(review)
        await deps.cache.publish(REVIEWS_CHANNEL, json.dumps({"event": "new_review", **data}))
        return data

    @app.get("/reviews")
    async def list_reviews(
        deps: Deps,
        status: Literal["pending", "approved", "rejected", "modified", "escalated"] | None = None,
    ) -> list[dict[str, object]]:
        query = sa.select(APVReview).order_by(APVReview.created_at)
        if status is not None:
            query = query.where(APVReview.status == status)
        async with deps.sessions() as session:
            return [_review_dict(r) for r in (await session.scalars(query)).all()]

    @app.post("/reviews/{apv_code}/decision", status_code=201)
    async def decide(apv_code: str, body: DecisionIn, deps: Deps) -> dict[str, object]:
        # One transaction stores the decision, the review's status and the message: RabbitMQ
        # need not be up, and a decision is never stored without its message (hitl.outbox).
        async with deps.sessions() as session:
            review = await session.scalar(
                sa.select(APVReview).where(APVReview.apv_code == apv_code)
            )
            if review is None:
                raise HTTPException(404, f"no APV review {apv_code!r}")
            status = {"approve": "approved", "reject": "rejected", "modify": "modified"}
            review.status = status.get(body.decision, "escalated")
            session.add(HITLDecision(apv_id=review.id, apv_code=apv_code, **body.model_dump()))
            message = {"apv_code": apv_code, "decision": body.decision, "by": body.reviewer_name}
            outbox = DecisionOutbox(payload=message)
            session.add(outbox)
            await session.commit()
        await deps.outbox.publish_one(outbox.id)  # never raises: the relay retries what fails
        return {"apv_code": apv_code, "status": review.status}

    @app.websocket("/ws/reviews")
    async def reviews_socket(websocket: WebSocket) -> None:
        hub: Hub = websocket.app.state.clients.hub
        await websocket.accept()
        hub.sockets.add(websocket)
        try:
            while True:
                await websocket.receive_text()  # clients may send pings; we only push
        except WebSocketDisconnect:
            pass
        finally:
            hub.sockets.discard(websocket)

    return prodready.instrument(app, settings=settings)


app = create_app()
