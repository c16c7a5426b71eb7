"""Watched papers (what the reader was told of each), and the index that reads papers by their
day newest first for keyword feeds.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from dailypapers.db.schema import Json, UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# The paper's day as store/search.paper_day_sql spells it on each backend, in the order the
# search reads it newest first (PostgreSQL's "DESC NULLS LAST" is no backward scan of an
# ascending index): an expression index serves only queries that spell it alike. Outside the
# schema's metadata for that reason (tests/db/test_migrations.py knows its name).
DAY_ORDER = {
    "sqlite": "coalesce(published_at, listed_on), id",
    "postgresql": "coalesce(published_at, (listed_on::timestamp AT TIME ZONE 'UTC')) DESC NULLS "
    "LAST, id DESC",
}
# PostgreSQL guesses a category test (a LIKE on the category list as text) keeps a few of the
# papers and then sorts them all instead of walking an index newest first: statistics of that
# text tell it that cs.CL is on a third of them. One object per spelling of the text: the
# search's (``categories::text``) and the feeds' (SQLAlchemy's ``CAST(categories AS VARCHAR)``).
# At 85k papers: "cs.CL -survey" 600 -> 0.4 ms of SQL, a cs.CL feed's ids 790 -> 0.4 ms.
CATEGORY_STATISTICS = {
    "papers_categories_text": "lower(categories::text)",
    "papers_categories_varchar": "lower(categories::varchar)",
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
    dialect = op.get_bind().dialect.name
    op.execute(f"CREATE INDEX ix_papers_day_order ON papers ({DAY_ORDER[dialect]})")
    if dialect == "postgresql":
        for name, expression in CATEGORY_STATISTICS.items():
            op.execute(f"CREATE STATISTICS {name} ON ({expression}) FROM papers")
        op.execute("ANALYZE papers")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in CATEGORY_STATISTICS:
            op.execute(f"DROP STATISTICS IF EXISTS {name}")
    op.drop_index("ix_papers_day_order", table_name="papers")
    op.drop_table("watches")
