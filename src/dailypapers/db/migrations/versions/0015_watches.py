"""Watched papers (what the reader was told of each), and the index that reads papers by their
day newest first for keyword feeds.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from dailypapers.db.schema import Json, UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# The paper's day as store/search.paper_day_sql spells it on each backend: an expression index
# serves only queries that spell it alike (PostgreSQL's listing day is a date, turned into UTC).
# Outside the schema's metadata for that reason (tests/db/test_migrations.py knows its name).
DAY = {
    "sqlite": "coalesce(published_at, listed_on)",
    "postgresql": "coalesce(published_at, (listed_on::timestamp AT TIME ZONE 'UTC'))",
}


def upgrade() -> None:
    op.create_table(
        "watches",
        sa.Column("id", Key, primary_key=True),
        sa.Column("user_id", Key, nullable=False),
        sa.Column("paper_id", Key, nullable=False),
        sa.Column("base_version", sa.Integer()),
        sa.Column("base_links", Json, nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("seen_version", sa.Integer()),
        sa.Column("seen_links", Json, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_watches_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name="fk_watches_paper_id_papers", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_watches"),
        sa.UniqueConstraint("user_id", "paper_id", name="uq_watches_user_id_paper_id"),
    )
    op.create_index("ix_watches_paper_id", "watches", ["paper_id"])
    day = DAY[op.get_bind().dialect.name]
    op.create_index("ix_papers_day_order", "papers", [sa.text(day), "id"])  # keyword feeds' order


def downgrade() -> None:
    op.drop_index("ix_papers_day_order", table_name="papers")
    op.drop_table("watches")
