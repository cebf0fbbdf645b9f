"""The seed's schema: APV reviews, the decisions reviewers take on them, and their outbox."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class APVReview(Base):
    __tablename__ = "apv_reviews"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    apv_code: Mapped[str] = mapped_column(sa.String(50), unique=True)
    cve_id: Mapped[str] = mapped_column(sa.String(50))
    severity: Mapped[str] = mapped_column(sa.String(20), index=True)
    package_name: Mapped[str] = mapped_column(sa.String(100))
    patch_strategy: Mapped[str | None] = mapped_column(sa.String(50))
    wargame_verdict: Mapped[str | None] = mapped_column(sa.String(50))
    wargame_confidence: Mapped[float | None] = mapped_column(sa.Float)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, server_default=sa.func.now())
    updated_at: Mapped[datetime | None] = mapped_column(sa.DateTime, onupdate=sa.func.now())


class HITLDecision(Base):
    __tablename__ = "hitl_decisions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    apv_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), sa.ForeignKey("apv_reviews.id"))
    apv_code: Mapped[str] = mapped_column(sa.String(50))
    decision: Mapped[str] = mapped_column(sa.String(20))
    reviewer_name: Mapped[str] = mapped_column(sa.String(100))
    reviewer_email: Mapped[str | None] = mapped_column(sa.String(150))
    action_taken: Mapped[str | None] = mapped_column(sa.String(50))
    comments: Mapped[str | None] = mapped_column(sa.Text)
    confidence_override: Mapped[float | None] = mapped_column(sa.Float)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, server_default=sa.func.now())


class DecisionOutbox(Base):
    """A decision message waiting for (or done with) RabbitMQ: see :mod:`hitl.outbox`.

    ``id`` is the message's identity on the queue, so consumers can drop redeliveries.
    """

    __tablename__ = "decision_outbox"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    payload: Mapped[dict[str, object]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
