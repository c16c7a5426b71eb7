"""Site: sessions, submissions and account tables the site issue needs.

Reserved in the foundation so the issues built in parallel keep one linear history; the issue that
owns it fills it in.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
