"""Create the decision outbox: decisions to publish to RabbitMQ, written with the decision.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "decision_outbox",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    )
    # Published rows accumulate; the relay only ever looks for unpublished ones, in id order, so a
    # partial index keeps its poll cheap however large the table grows.
    op.create_index(
        "ix_decision_outbox_unpublished",
        "decision_outbox",
        ["id"],
        postgresql_where=sa.text("published_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_decision_outbox_unpublished", "decision_outbox")
    op.drop_table("decision_outbox")
