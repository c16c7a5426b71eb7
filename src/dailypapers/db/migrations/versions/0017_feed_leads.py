"""Indexes a feed's query starts from: the papers by upstream upvotes (a feed of the upvoted
looks them up instead of walking every paper), and on SQLite the day-order index holding what
a keyword feed's criteria test (categories, upstream upvotes), so its walk reads no paper row.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# The paper's day as store/search.paper_day_sql spells it on SQLite (see migration 0016), with
# the columns the feed's criteria read after it. PostgreSQL keeps 0016's index: its rows are
# small (texts live out of line), so reading a paper's row while walking costs little there.
SQLITE_DAY_ORDER = "coalesce(published_at, listed_on), id"
SQLITE_COVERED = ", categories, upstream_upvotes"


def _day_order(columns: str) -> None:
    op.drop_index("ix_papers_day_order", table_name="papers")
    op.execute(f"CREATE INDEX ix_papers_day_order ON papers ({columns})")


def upgrade() -> None:
    op.create_index("ix_papers_upstream_upvotes", "papers", ["upstream_upvotes"])
    if op.get_bind().dialect.name == "sqlite":
        _day_order(SQLITE_DAY_ORDER + SQLITE_COVERED)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _day_order(SQLITE_DAY_ORDER)
    op.drop_index("ix_papers_upstream_upvotes", table_name="papers")
