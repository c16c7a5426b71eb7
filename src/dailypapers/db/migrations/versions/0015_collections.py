"""A reader's library: collections with their items (a note and a position each), and the arXiv
ids an import queued for fetching.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from dailypapers.db.schema import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# A collection's edit changes what its public page shows: PostgreSQL's change counter
# (migration 0002) counts writes to these tables, so cached pages are computed again at once.
BUMP = "dailypapers_bump_site_generation"
COUNTED = ("collections", "collection_items")


def _foreign(column: str, table: str, referred: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], name=f"fk_{table}_{column}_{referred}", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "collections",
        sa.Column("id", Key, primary_key=True),
        sa.Column("user_id", Key, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("private", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", UTCDateTime(), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", UTCDateTime(), nullable=False, server_default=sa.func.now()),
        _foreign("user_id", "collections", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_collections"),
    )
    op.create_index("ix_collections_user_id", "collections", ["user_id"])
    op.create_table(
        "collection_items",
        sa.Column("collection_id", Key, nullable=False),
        sa.Column("paper_id", Key, nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False, server_default=sa.func.now()),
        _foreign("collection_id", "collection_items", "collections"),
        _foreign("paper_id", "collection_items", "papers"),
        sa.PrimaryKeyConstraint("collection_id", "paper_id", name="pk_collection_items"),
    )
    op.create_index(
        "ix_collection_items_collection_id_position",
        "collection_items",
        ["collection_id", "position"],
    )
    op.create_index("ix_collection_items_paper_id", "collection_items", ["paper_id"])
    op.create_table(
        "library_fetches",
        sa.Column("collection_id", Key, nullable=False),
        sa.Column("arxiv_id", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("queued_at", UTCDateTime(), nullable=False, server_default=sa.func.now()),
        _foreign("collection_id", "library_fetches", "collections"),
        sa.PrimaryKeyConstraint("collection_id", "arxiv_id", name="pk_library_fetches"),
    )
    op.create_index("ix_library_fetches_next_attempt_at", "library_fetches", ["next_attempt_at"])
    if op.get_bind().dialect.name == "postgresql":
        for table in COUNTED:
            op.execute(
                f"CREATE TRIGGER site_generation_{table} "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {BUMP}()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in COUNTED:
            op.execute(f"DROP TRIGGER IF EXISTS site_generation_{table} ON {table}")
    op.drop_table("library_fetches")
    op.drop_table("collection_items")
    op.drop_table("collections")
