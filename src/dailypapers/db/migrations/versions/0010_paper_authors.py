"""Authors: one row per author of a paper, with the key names are matched by, backfilled from
``papers.authors``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from dailypapers.db.schema import Json
from dailypapers.name_keys import name_key, surname_key

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
BATCH = 2000  # papers read and written at a time: memory stays flat at any store size

_papers = sa.table("papers", sa.column("id", Key), sa.column("authors", Json))
_authors = sa.table(
    "paper_authors",
    sa.column("paper_id", Key),
    sa.column("position", sa.Integer),
    sa.column("name", sa.Text),
    sa.column("name_key", sa.Text),
    sa.column("surname_key", sa.Text),
)


def upgrade() -> None:
    op.create_table(
        "paper_authors",
        sa.Column("paper_id", Key, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("surname_key", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name="fk_paper_authors_paper_id_papers", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("paper_id", "position", name="pk_paper_authors"),
    )
    op.create_index("ix_paper_authors_name_key_paper_id", "paper_authors", ["name_key", "paper_id"])
    op.create_index(
        "ix_paper_authors_surname_key_name_key_paper_id",
        "paper_authors",
        ["surname_key", "name_key", "paper_id"],
    )
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    after = 0
    while True:
        page = conn.execute(
            sa.select(_papers.c.id, _papers.c.authors)
            .where(_papers.c.id > after)
            .order_by(_papers.c.id)
            .limit(BATCH)
        ).all()
        if not page:
            return
        rows = [
            {"paper_id": paper_id, "position": position, "name": name, "name_key": key,
             "surname_key": surname_key(key)}
            for paper_id, names in page
            for position, name in enumerate(names or [])
            if isinstance(name, str) and (key := name_key(name))
        ]  # fmt: skip
        if rows:
            conn.execute(_authors.insert(), rows)
        after = page[-1][0]


def downgrade() -> None:
    op.drop_table("paper_authors")
