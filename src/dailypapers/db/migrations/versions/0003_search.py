"""Search: full-text index and stored embeddings.

SQLite: an FTS5 external-content table on ``papers`` (columns title, authors, abstract; Porter
stemming, diacritics folded) kept in sync by triggers, so every write path (import, harvest,
submit, edits) indexes on its own. Authors are stored as JSON; the triggers index the decoded
names (``json_each``) so escaped accents (``\\u00e9``) never become tokens. ``papers_fts_vocab``
exposes document frequencies for query planning.

PostgreSQL: a generated, stored, weighted tsvector column ``papers.search_document`` (title A,
authors B, abstract C; English configuration) with a GIN index.

Both: ``paper_embeddings`` (one vector per paper) and ``search_jobs`` (leases).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from dailypapers.db.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

AUTHORS = "(SELECT group_concat(value, ' ; ') FROM json_each({row}.authors))"

SQLITE_UP = [
    """CREATE VIRTUAL TABLE papers_fts USING fts5(
        title, authors, abstract,
        content='papers', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    "CREATE VIRTUAL TABLE papers_fts_vocab USING fts5vocab(papers_fts, 'row')",
    f"""CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
        INSERT INTO papers_fts(rowid, title, authors, abstract)
        VALUES (new.id, new.title, {AUTHORS.format(row="new")}, new.abstract);
    END""",
    f"""CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
        INSERT INTO papers_fts(papers_fts, rowid, title, authors, abstract)
        VALUES ('delete', old.id, old.title, {AUTHORS.format(row="old")}, old.abstract);
    END""",
    f"""CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, authors, abstract ON papers BEGIN
        INSERT INTO papers_fts(papers_fts, rowid, title, authors, abstract)
        VALUES ('delete', old.id, old.title, {AUTHORS.format(row="old")}, old.abstract);
        INSERT INTO papers_fts(rowid, title, authors, abstract)
        VALUES (new.id, new.title, {AUTHORS.format(row="new")}, new.abstract);
    END""",
    f"""INSERT INTO papers_fts(rowid, title, authors, abstract)
        SELECT id, title, {AUTHORS.format(row="papers")}, abstract FROM papers""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS papers_fts_update",
    "DROP TRIGGER IF EXISTS papers_fts_delete",
    "DROP TRIGGER IF EXISTS papers_fts_insert",
    "DROP TABLE IF EXISTS papers_fts_vocab",
    "DROP TABLE IF EXISTS papers_fts",
]

POSTGRESQL_UP = [
    """ALTER TABLE papers ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(authors, '[]'::jsonb)), 'B')
        || setweight(to_tsvector('english', coalesce(abstract, '')), 'C')
    ) STORED""",
    "CREATE INDEX ix_papers_search_document ON papers USING gin (search_document)",
]
POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS ix_papers_search_document",
    "ALTER TABLE papers DROP COLUMN IF EXISTS search_document",
]


def upgrade() -> None:
    op.create_table(
        "paper_embeddings",
        sa.Column("paper_id", Key, nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("content_hash", sa.String(32), nullable=False),
        sa.Column("text_hash", sa.String(32), nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        sa.Column("embedded_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("paper_id", name="pk_paper_embeddings"),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name="fk_paper_embeddings_paper_id_papers",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_paper_embeddings_embedded_at", "paper_embeddings", ["embedded_at"])
    op.create_table(
        "search_jobs",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("lease_owner", sa.String(100)),
        sa.Column("lease_until", UTCDateTime),
        sa.Column("last_run_at", UTCDateTime),
        sa.PrimaryKeyConstraint("name", name="pk_search_jobs"),
    )
    statements = SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_DOWN
    for statement in statements:
        op.execute(statement)
    op.drop_table("search_jobs")
    op.drop_index("ix_paper_embeddings_embedded_at", "paper_embeddings")
    op.drop_table("paper_embeddings")
