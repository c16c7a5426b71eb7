"""Indexes for "the papers of the last week": the newest listing day (a maximum over
``listed_on``) and the papers of a week by first publication, or by listing day for those that
have no publication time (most of an arXiv listing dump). Without them, both read every paper:
about 130 ms each at 85k papers, on every "for you" page.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_papers_listed_on", "papers", ["listed_on"])
    op.create_index("ix_papers_published_at_listed_on", "papers", ["published_at", "listed_on"])


def downgrade() -> None:
    op.drop_index("ix_papers_published_at_listed_on", table_name="papers")
    op.drop_index("ix_papers_listed_on", table_name="papers")
