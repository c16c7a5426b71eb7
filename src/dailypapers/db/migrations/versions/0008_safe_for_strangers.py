"""Safe for strangers: verified emails, disabled accounts, look-alike username keys, account
tokens, one table of rate-limit events, comment depth and stored HTML, single-use confirmation
links, a suppression list, a negative cache of arXiv lookups, account mail in the outbox.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from dailypapers.db.schema import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
VERIFIED = sa.text("email_verified_at IS NOT NULL")

# Each comment's depth: 0 at the top, one more than its parent's below.
COMMENT_DEPTHS = """
WITH RECURSIVE thread(id, depth) AS (
    SELECT id, 0 FROM comments WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, thread.depth + 1 FROM comments c JOIN thread ON c.parent_id = thread.id
)
UPDATE comments SET depth = (SELECT depth FROM thread WHERE thread.id = comments.id)
WHERE parent_id IS NOT NULL
"""


def upgrade() -> None:
    _users()
    _tokens_and_limits()
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("html", sa.Text()))
        batch.add_column(sa.Column("depth", sa.Integer(), nullable=False, server_default="0"))
    op.execute(COMMENT_DEPTHS)
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("confirm_nonce", sa.String(32)))
        batch.add_column(
            sa.Column("confirmations_sent", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("subscription_id", existing_type=Key, nullable=True)
        batch.add_column(sa.Column("user_id", Key))
        batch.create_foreign_key(
            "fk_outbox_user_id_users", "users", ["user_id"], ["id"], ondelete="CASCADE"
        )
    op.create_table(
        "suppressions",
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("created_at", UTCDateTime, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("email", name="pk_suppressions"),
    )
    op.create_table(
        "arxiv_misses",
        sa.Column("arxiv_id", sa.String(64), nullable=False),
        sa.Column("checked_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("arxiv_id", name="pk_arxiv_misses"),
    )


def _users() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("username_key", sa.String(64)))
        batch.add_column(sa.Column("email_verified_at", UTCDateTime))
        batch.add_column(sa.Column("disabled_at", UTCDateTime))
    op.create_index("ix_users_username_key", "users", ["username_key"])
    # Accounts made before verification existed keep their address, unverified: each owner
    # proves it once. Only then may the address be unique.
    op.drop_index("uq_users_email_lower", table_name="users")
    op.create_index(
        "uq_users_email_verified",
        "users",
        [sa.text("lower(email)")],
        unique=True,
        sqlite_where=VERIFIED,
        postgresql_where=VERIFIED,
    )
    op.create_index("ix_users_email_lower", "users", [sa.text("lower(email)")])


def _tokens_and_limits() -> None:
    op.create_table(
        "account_tokens",
        sa.Column("id", Key, nullable=False),
        sa.Column("user_id", Key, nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("created_at", UTCDateTime, server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("used_at", UTCDateTime),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_account_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_account_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_account_tokens_token_hash"),
    )
    op.create_index("ix_account_tokens_user_id", "account_tokens", ["user_id"])
    op.create_table(
        "rate_events",
        sa.Column("id", Key, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(320), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rate_events"),
    )
    op.create_index("ix_rate_events_kind_key_at", "rate_events", ["kind", "key", "at"])
    op.create_index("ix_rate_events_at", "rate_events", ["at"])
    op.drop_table("sign_in_failures")  # a window's worth of failures: safe to forget


def downgrade() -> None:
    op.drop_table("arxiv_misses")
    op.drop_table("suppressions")
    op.execute("DELETE FROM outbox WHERE subscription_id IS NULL")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("fk_outbox_user_id_users", type_="foreignkey")
        batch.drop_column("user_id")
        batch.alter_column("subscription_id", existing_type=Key, nullable=False)
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("confirmations_sent")
        batch.drop_column("confirm_nonce")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("depth")
        batch.drop_column("html")
    op.drop_table("rate_events")
    op.drop_table("account_tokens")
    op.drop_index("ix_users_email_lower", table_name="users")
    op.drop_index("uq_users_email_verified", table_name="users")
    op.drop_index("ix_users_username_key", table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("disabled_at")
        batch.drop_column("email_verified_at")
        batch.drop_column("username_key")
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)
    op.create_table(
        "sign_in_failures",
        sa.Column("id", Key, nullable=False),
        sa.Column("login", sa.String(320), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("failed_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_failures"),
    )
    for columns in (["login", "failed_at"], ["address", "failed_at"], ["failed_at"]):
        op.create_index(f"ix_sign_in_failures_{'_'.join(columns)}", "sign_in_failures", columns)
