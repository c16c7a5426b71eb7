"""Digests: subscriptions, saved searches, marks, outbox.

Reserved in the foundation so the issues built in parallel keep one linear history; the issue that
owns it fills it in.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
