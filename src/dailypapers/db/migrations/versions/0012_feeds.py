"""Feeds as objects: a reader's composed feeds (definition as JSON, private token nonce, digest
watermark), and the index that reads papers newest first for them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from dailypapers.db.schema import Json, UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# A feed's edit changes what its page shows: PostgreSQL's change counter (migration 0002) counts
# writes to it, so cached feed pages and answers are computed again at once.
BUMP = "dailypapers_bump_site_generation"


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", Key, primary_key=True),
        sa.Column("user_id", Key, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("definition", Json, nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("token_nonce", sa.String(32), nullable=False),
        sa.Column("digest_watermark_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", UTCDateTime(), nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_feeds_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_feeds"),
    )
    op.create_index("ix_feeds_user_id", "feeds", ["user_id"])
    op.create_index(
        "ix_papers_feed_order",
        "papers",
        [sa.text("coalesce(published_at, created_at)"), "id", "categories", "upstream_upvotes"],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER site_generation_feeds "
            "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON feeds "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {BUMP}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS site_generation_feeds ON feeds")
    op.drop_index("ix_papers_feed_order", table_name="papers")
    op.drop_table("feeds")
