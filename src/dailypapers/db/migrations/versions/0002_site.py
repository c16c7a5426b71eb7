"""Site: signed-in sessions and the page-cache generation counter (with its PostgreSQL triggers).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from dailypapers.db.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# Writes to these tables change what a page shows (harvest_state: the home page's notice);
# see schema.site_generation.
WATCHED = ("papers", "feed_entries", "votes", "comments", "users", "harvest_state")
BUMP = "dailypapers_bump_site_generation"


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", Key, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_sessions_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])

    op.create_table(
        "site_generation",
        sa.Column("id", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_site_generation"),
    )

    if op.get_bind().dialect.name == "postgresql":
        # An upsert, not an UPDATE: the test fixtures TRUNCATE every table, this one included.
        op.execute(
            f"""
            CREATE FUNCTION {BUMP}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO site_generation (id, n) VALUES (1, 1)
                ON CONFLICT (id) DO UPDATE SET n = site_generation.n + 1;
                RETURN NULL;
            END
            $$
            """
        )
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER site_generation_{table} "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {BUMP}()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS site_generation_{table} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {BUMP}()")
    op.drop_table("site_generation")
    op.drop_index("ix_sessions_expires_at", table_name="sessions")
    op.drop_index("ix_sessions_user_id", table_name="sessions")
    op.drop_table("sessions")
