"""API: tokens and feed tokens.

Reserved in the foundation so the issues built in parallel keep one linear history; the issue that
owns it fills it in.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
