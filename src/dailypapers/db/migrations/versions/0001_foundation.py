"""Foundation: users, papers, the daily feed, votes, threaded comments, harvest state.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from dailypapers.db.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", Key, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("password_hash", sa.Text),
        sa.Column("fullname", sa.String(200), nullable=False, server_default=""),
        sa.Column("avatar_url", sa.Text),
        sa.Column("upstream_id", sa.String(64)),
        sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("upstream_id", name="uq_users_upstream_id"),
    )
    op.create_index("uq_users_username_lower", "users", [sa.text("lower(username)")], unique=True)
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)

    op.create_table(
        "papers",
        sa.Column("id", Key, primary_key=True),
        sa.Column("arxiv_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("abstract", sa.Text, nullable=False, server_default=""),
        sa.Column("authors", Json, nullable=False),
        sa.Column("categories", Json, nullable=False),
        sa.Column("primary_category", sa.String(32)),
        sa.Column("comment", sa.Text),
        sa.Column("published_at", UTCDateTime),
        sa.Column("updated_at", UTCDateTime),
        sa.Column("abs_url", sa.Text),
        sa.Column("pdf_url", sa.Text),
        sa.Column("github_repo", sa.Text),
        sa.Column("github_stars", sa.Integer),
        sa.Column("project_page", sa.Text),
        sa.Column("ai_summary", sa.Text),
        sa.Column("ai_keywords", Json),
        sa.Column("organization", Json),
        sa.Column("media_urls", Json),
        sa.Column("discussion_id", sa.String(64)),
        sa.Column("upstream_upvotes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("listed_on", sa.Date),
        sa.Column("content_hash", sa.String(32), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("modified_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_papers"),
        sa.UniqueConstraint("arxiv_id", name="uq_papers_arxiv_id"),
    )
    op.create_index("ix_papers_published_at", "papers", ["published_at"])
    op.create_index("ix_papers_created_at", "papers", ["created_at"])

    op.create_table(
        "feed_entries",
        sa.Column("id", Key, primary_key=True),
        sa.Column("paper_id", Key, nullable=False),
        sa.Column("feed_day", sa.Date, nullable=False),
        sa.Column("submitted_at", UTCDateTime, nullable=False),
        sa.Column("submitter_id", Key),
        sa.Column("upstream_upvotes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("upstream_comments", sa.Integer, nullable=False, server_default="0"),
        sa.Column("source", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feed_entries"),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name="fk_feed_entries_paper_id_papers",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitter_id"],
            ["users.id"],
            name="fk_feed_entries_submitter_id_users",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("paper_id", "feed_day", name="uq_feed_entries_paper_id_feed_day"),
    )
    op.create_index("ix_feed_entries_feed_day", "feed_entries", ["feed_day"])
    op.create_index("ix_feed_entries_submitter_id", "feed_entries", ["submitter_id"])

    op.create_table(
        "votes",
        sa.Column("user_id", Key, nullable=False),
        sa.Column("paper_id", Key, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("user_id", "paper_id", name="pk_votes"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_votes_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name="fk_votes_paper_id_papers", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_votes_paper_id", "votes", ["paper_id"])

    op.create_table(
        "comments",
        sa.Column("id", Key, primary_key=True),
        sa.Column("paper_id", Key, nullable=False),
        sa.Column("author_id", Key, nullable=False),
        sa.Column("parent_id", Key),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name="fk_comments_paper_id_papers", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name="fk_comments_author_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["comments.id"],
            name="fk_comments_parent_id_comments",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_comments_paper_id_created_at", "comments", ["paper_id", "created_at"])

    op.create_table(
        "harvest_state",
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("cursor", Json),
        sa.Column("last_attempt_at", UTCDateTime),
        sa.Column("last_success_at", UTCDateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("next_run_at", UTCDateTime),
        sa.Column("lease_owner", sa.String(100)),
        sa.Column("lease_until", UTCDateTime),
        sa.PrimaryKeyConstraint("source", name="pk_harvest_state"),
    )


def downgrade() -> None:
    for table in ("harvest_state", "comments", "votes", "feed_entries", "papers", "users"):
        op.drop_table(table)
