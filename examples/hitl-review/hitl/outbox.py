"""The decision outbox: every stored decision reaches RabbitMQ, even one taken during an outage.

``decide`` writes the decision, the review's new status and a ``decision_outbox`` row (the message)
in one transaction: a stored decision always has its message waiting, and a refused one has none.
After the commit it calls :meth:`OutboxRelay.publish_one`, the fast path, which sends the message at
once when the broker is up. :meth:`OutboxRelay.run`, started in every worker's lifespan, sends what
is left: every ``interval`` (1 s) and as soon as the broker reconnects. While the broker is down the
relay does not query the database at all.

Delivery is **at least once**. A row is marked published only after the broker confirmed its
message, in the transaction that locked the row; a worker that dies between the two, or a
confirmation lost on the way back, leaves the row unpublished and it is sent again. Each message
carries the row's id, as ``"id"`` in the JSON body and as the AMQP ``message_id``: consumers drop
an id they have already processed.

Every worker of every replica runs a relay, safely: each takes its rows with
``SELECT … FOR UPDATE SKIP LOCKED`` and holds the lock until it has published them and committed, so
another relay (or a fast path) skips those rows instead of sending them again or waiting for them.
A batch is sent in id order and stops at its first failure, so a relay never sends a row ahead of an
earlier one it holds. Across relays, and between a fast path and a backlog, order is not guaranteed
(ids are allocated at insert, not at commit): a consumer that cares about the order of one APV's
decisions compares ids.

Published rows stay (an audit trail; a partial index keeps the relay's query cheap however many
there are). Deleting old ones is a retention job's business, not the relay's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Final

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hitl.amqp import BackgroundChannel, BrokerUnavailable
from hitl.models import DecisionOutbox

RELAY_INTERVAL_S: Final = 1.0
BATCH_SIZE: Final = 100
# A request waits at most this long for the broker's confirmation; the relay sends it otherwise.
FAST_PATH_TIMEOUT_S: Final = 2.0
RELAY_TIMEOUT_S: Final = 10.0

_log = structlog.get_logger("hitl.outbox")

_PENDING: Final = (
    sa.select(DecisionOutbox.id, DecisionOutbox.payload)
    .where(DecisionOutbox.published_at.is_(None))
    .order_by(DecisionOutbox.id)
)


def message_body(outbox_id: int, payload: dict[str, object]) -> bytes:
    """The message for an outbox row: its payload with the row's id, for consumers to dedupe."""
    return json.dumps({"id": outbox_id, **payload}).encode()


def _describe(error: Exception) -> str:
    # A SQLAlchemy error's text embeds the statement and its parameters (decision payloads):
    # log the driver's own message only.
    cause: BaseException = error
    if isinstance(error, sa.exc.StatementError) and error.orig is not None:
        cause = error.orig
    return f"{type(cause).__name__}: {cause}"


class OutboxRelay:
    """Publishes ``decision_outbox`` rows through ``channel``; see the module docstring."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channel: BackgroundChannel,
        *,
        interval: float = RELAY_INTERVAL_S,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self._sessions = sessions
        self._channel = channel
        self._interval = interval
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self._failures = 0

    def wake(self) -> None:
        """Start the next round now (the broker has just connected)."""
        self._wake.set()

    async def publish_one(self, outbox_id: int) -> bool:
        """The fast path: publish row ``outbox_id`` now; True if this call published it.

        Never raises: the decision is already committed, so whatever fails here (broker down, the
        row locked by a relay, a database error) is left to :meth:`run`.
        """
        if not self._channel.connected:
            return False
        query = _PENDING.where(DecisionOutbox.id == outbox_id)
        try:
            return await self._publish(query, FAST_PATH_TIMEOUT_S) == 1
        except Exception as e:  # see the docstring: the relay retries
            _log.warning("outbox.fast_path_failed", outbox_id=outbox_id, error=_describe(e))
            return False

    async def publish_pending(self) -> int:
        """Publish unpublished rows in id order, batch after batch; the number published.

        Stops when no row is left, when the rows left are locked by other relays, or when the
        broker is not connected. Raises the first broker or database error, after committing what
        was published before it.
        """
        total = 0
        while self._channel.connected:
            count = await self._publish(_PENDING.limit(self._batch_size), RELAY_TIMEOUT_S)
            total += count
            if count < self._batch_size:
                break
        return total

    async def run(self) -> None:
        """Publish pending rows every ``interval`` s and when woken, until cancelled.

        A broker or database error never ends the loop: it is logged once per streak of failed
        rounds (later ones at debug level), and the next round retries.
        """
        while True:
            self._wake.clear()
            try:
                count = await self.publish_pending()
            except Exception as e:  # the relay must outlive any outage; it retries
                self._failed(e)
            else:
                if self._failures:
                    _log.info("outbox.relay_recovered", failed_rounds=self._failures)
                    self._failures = 0
                if count:
                    _log.info("outbox.relayed", count=count)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)

    def _failed(self, error: Exception) -> None:
        self._failures += 1
        log = _log.warning if self._failures == 1 else _log.debug
        log("outbox.relay_failed", error=_describe(error), retry_in_s=self._interval)

    async def _publish(
        self, query: sa.Select[int, dict[str, object]], confirm_within: float
    ) -> int:
        """Lock the rows ``query`` selects (skipping locked ones), publish them, mark them."""
        published: list[int] = []
        failure: BrokerUnavailable | None = None
        async with self._sessions() as session, session.begin():
            rows = (await session.execute(query.with_for_update(skip_locked=True))).all()
            for outbox_id, payload in rows:
                try:
                    await self._channel.publish(
                        message_body(outbox_id, payload),
                        message_id=str(outbox_id),
                        confirm_within=confirm_within,
                    )
                except BrokerUnavailable as e:
                    failure = e  # keep what went out before it, and the order: stop here
                    break
                published.append(outbox_id)
            if published:
                await session.execute(
                    sa.update(DecisionOutbox)
                    .where(DecisionOutbox.id.in_(published))
                    .values(published_at=sa.func.now())
                )
        if failure is not None:
            raise failure
        return len(published)
