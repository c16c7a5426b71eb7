"""Webhooks: a feed's URLs with their format and signing secret, and their deliveries.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from dailypapers.db.schema import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "webhooks",
        sa.Column("id", Key, nullable=False),
        sa.Column("user_id", Key, nullable=False),
        sa.Column("feed_id", Key, nullable=False),
        sa.Column("papers_since", UTCDateTime, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="active"),
        sa.Column("stop_reason", sa.Text()),
        sa.Column("created_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("last_delivery_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_webhooks"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_webhooks_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feeds.id"], name="fk_webhooks_feed_id_feeds", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_webhooks_user_id", "webhooks", ["user_id"])
    op.create_index("ix_webhooks_feed_id", "webhooks", ["feed_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", Key, nullable=False),
        sa.Column("webhook_id", Key, nullable=False),
        sa.Column("delivery_id", sa.String(36), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("lease_owner", sa.String(100)),
        sa.Column("lease_until", UTCDateTime),
        sa.Column("last_error", sa.Text()),
        sa.Column("response_status", sa.Integer()),
        sa.Column("queued_at", UTCDateTime, nullable=False),
        sa.Column("delivered_at", UTCDateTime),
        sa.Column("updated_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name="fk_webhook_deliveries_webhook_id_webhooks",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("delivery_id", name="uq_webhook_deliveries_delivery_id"),
    )
    op.create_index(
        "ix_webhook_deliveries_status_next_attempt_at",
        "webhook_deliveries",
        ["status", "next_attempt_at"],
    )
    op.create_index("ix_webhook_deliveries_webhook_id", "webhook_deliveries", ["webhook_id"])


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
