"""Create the APV review and decision tables (the seed's schema).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "apv_reviews",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("apv_code", sa.String(50), nullable=False, unique=True),
        sa.Column("cve_id", sa.String(50), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("package_name", sa.String(100), nullable=False),
        sa.Column("patch_strategy", sa.String(50)),
        sa.Column("wargame_verdict", sa.String(50)),
        sa.Column("wargame_confidence", sa.Float),
        sa.Column("status", sa.String(20), server_default="pending"),
        sa.Column("created_at", sa.DateTime, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime),
    )
    op.create_table(
        "hitl_decisions",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("apv_id", UUID(as_uuid=True), nullable=False),
        sa.Column("apv_code", sa.String(50), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("reviewer_name", sa.String(100), nullable=False),
        sa.Column("reviewer_email", sa.String(150)),
        sa.Column("action_taken", sa.String(50)),
        sa.Column("comments", sa.Text),
        sa.Column("confidence_override", sa.Float),
        sa.Column("created_at", sa.DateTime, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(["apv_id"], ["apv_reviews.id"]),
    )
    op.create_index("ix_apv_reviews_status", "apv_reviews", ["status"])
    op.create_index("ix_apv_reviews_severity", "apv_reviews", ["severity"])


def downgrade() -> None:
    op.drop_index("ix_apv_reviews_severity", "apv_reviews")
    op.drop_index("ix_apv_reviews_status", "apv_reviews")
    op.drop_table("hitl_decisions")
    op.drop_table("apv_reviews")
