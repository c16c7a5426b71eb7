"""Code links: a paper's repository, model, dataset, demo and project links with where they came
from, backfilled from the abstracts, comments and upstream fields of the papers stored before.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from dailypapers.code_links import links_of

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
BATCH = 2000  # papers read and written at a time: memory stays flat at any store size

_papers = sa.table(
    "papers",
    sa.column("id", Key),
    sa.column("abstract", sa.Text),
    sa.column("comment", sa.Text),
    sa.column("github_repo", sa.Text),
    sa.column("project_page", sa.Text),
)
_links = sa.table(
    "paper_links",
    sa.column("paper_id", Key),
    sa.column("position", sa.Integer),
    sa.column("url", sa.Text),
    sa.column("kind", sa.String),
    sa.column("source", sa.String),
)


def upgrade() -> None:
    op.create_table(
        "paper_links",
        sa.Column("paper_id", Key, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name="fk_paper_links_paper_id_papers", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("paper_id", "position", name="pk_paper_links"),
        sa.UniqueConstraint("paper_id", "url", name="uq_paper_links_paper_id_url"),
    )
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    after = 0
    while True:
        page = conn.execute(
            sa.select(_papers).where(_papers.c.id > after).order_by(_papers.c.id).limit(BATCH)
        ).all()
        if not page:
            return
        rows = [
            {"paper_id": row.id, "position": position, "url": link.url, "kind": link.kind,
             "source": link.source}
            for row in page
            for position, link in enumerate(
                links_of(row.abstract, row.comment, github_repo=row.github_repo,
                         project_page=row.project_page)
            )
        ]  # fmt: skip
        if rows:
            conn.execute(_links.insert(), rows)
        after = page[-1].id


def downgrade() -> None:
    op.drop_table("paper_links")
