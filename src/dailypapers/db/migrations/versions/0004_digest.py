"""Digests: subscriptions, saved searches, marks, outbox, mailed papers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from dailypapers.db.schema import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", Key, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("user_id", Key),
        sa.Column("confirmed_at", UTCDateTime),
        sa.Column("unsubscribed_at", UTCDateTime),
        sa.Column("frequency", sa.String(16), nullable=False, server_default="daily"),
        sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
        sa.Column("send_hour", sa.Integer, nullable=False, server_default="7"),
        sa.Column("weekly_day", sa.Integer, nullable=False, server_default="0"),
        sa.Column("content", Json, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_subscriptions"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_subscriptions_user_id_users", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_subscriptions_user_id", "subscriptions", ["user_id"])
    op.create_index(
        "uq_subscriptions_email_lower", "subscriptions", [sa.text("lower(email)")], unique=True
    )

    op.create_table(
        "saved_searches",
        sa.Column("id", Key, primary_key=True),
        sa.Column("subscription_id", Key),
        sa.Column("user_id", Key),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("filters", Json, nullable=False),
        sa.Column("watermark_at", UTCDateTime, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_saved_searches"),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name="fk_saved_searches_subscription_id_subscriptions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_saved_searches_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_saved_searches_subscription_id", "saved_searches", ["subscription_id"])
    op.create_index("ix_saved_searches_user_id", "saved_searches", ["user_id"])

    op.create_table(
        "paper_marks",
        sa.Column("user_id", Key, nullable=False),
        sa.Column("paper_id", Key, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("user_id", "paper_id", name="pk_paper_marks"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_paper_marks_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name="fk_paper_marks_paper_id_papers", ondelete="CASCADE"
        ),
    )

    op.create_table(
        "outbox",
        sa.Column("id", Key, primary_key=True),
        sa.Column("subscription_id", Key, nullable=False),
        sa.Column("period", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("content", Json, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("lease_owner", sa.String(100)),
        sa.Column("lease_until", UTCDateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("smtp_reply", sa.Text),
        sa.Column("composed_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("updated_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name="fk_outbox_subscription_id_subscriptions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
        sa.UniqueConstraint("subscription_id", "period", name="uq_outbox_subscription_id_period"),
    )
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])

    op.create_table(
        "mailed_papers",
        sa.Column("subscription_id", Key, nullable=False),
        sa.Column("paper_id", Key, nullable=False),
        sa.Column("outbox_id", Key, nullable=False),
        sa.Column("mailed_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("subscription_id", "paper_id", name="pk_mailed_papers"),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name="fk_mailed_papers_subscription_id_subscriptions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name="fk_mailed_papers_paper_id_papers",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name="fk_mailed_papers_outbox_id_outbox",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_mailed_papers_outbox_id", "mailed_papers", ["outbox_id"])


def downgrade() -> None:
    for table in ("mailed_papers", "outbox", "paper_marks", "saved_searches", "subscriptions"):
        op.drop_table(table)
