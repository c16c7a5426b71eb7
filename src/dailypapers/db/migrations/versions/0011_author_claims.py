"""Author claims: accounts claiming author names, decided by an admin; one approved holder per
name key (a partial unique index on both backends).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from dailypapers.db.schema import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPROVED = sa.text("state = 'approved'")
# The page-cache counter of PostgreSQL (migration 0002): an author's page shows its claimant.
BUMP = "dailypapers_bump_site_generation"


def upgrade() -> None:
    op.create_table(
        "author_claims",
        sa.Column("id", Key, nullable=False),
        sa.Column("user_id", Key, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("decided_at", UTCDateTime),
        sa.Column("decided_by", Key),
        sa.PrimaryKeyConstraint("id", name="pk_author_claims"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_author_claims_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
            name="fk_author_claims_decided_by_users",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_author_claims_user_id_state", "author_claims", ["user_id", "state"])
    op.create_index("ix_author_claims_state_created_at", "author_claims", ["state", "created_at"])
    op.create_index(
        "uq_author_claims_approved_name_key",
        "author_claims",
        ["name_key"],
        unique=True,
        sqlite_where=APPROVED,
        postgresql_where=APPROVED,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER site_generation_author_claims "
            "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON author_claims "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {BUMP}()"
        )


def downgrade() -> None:
    op.drop_table("author_claims")  # its indexes and trigger go with it
