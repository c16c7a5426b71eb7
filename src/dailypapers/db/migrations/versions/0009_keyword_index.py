"""Search: papers changed since a moment, found by index (the keyword index catches up with them).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_papers_modified_at", "papers", ["modified_at"])


def downgrade() -> None:
    op.drop_index("ix_papers_modified_at", table_name="papers")
