"""Search: full-text index and stored embeddings.

Reserved in the foundation so the issues built in parallel keep one linear history; the issue that
owns it fills it in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
