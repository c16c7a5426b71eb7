"""Papers: lookups by arXiv id and the batched inserts/updates the ingest pipeline needs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    and_,
    bindparam,
    cast,
    func,
    or_,
    select,
    type_coerce,
    update,
)

from dailypapers.db.schema import UTCDateTime, papers
from dailypapers.store.keys import chunks

# Columns an ingest record can set (everything but keys, counters and bookkeeping).
CONTENT_COLUMNS = (
    "arxiv_id",
    "version",
    "title",
    "abstract",
    "authors",
    "categories",
    "primary_category",
    "comment",
    "published_at",
    "updated_at",
    "abs_url",
    "pdf_url",
    "github_repo",
    "github_stars",
    "project_page",
    "ai_summary",
    "ai_keywords",
    "organization",
    "media_urls",
    "discussion_id",
    "listed_on",
)


def by_arxiv_ids(conn: Connection, arxiv_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Full rows keyed by arXiv id, for the ids that exist."""
    wanted = list(set(arxiv_ids))
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(wanted):
        for row in conn.execute(select(papers).where(papers.c.arxiv_id.in_(chunk))).mappings():
            found[row["arxiv_id"]] = dict(row)
    return found


def get(conn: Connection, arxiv_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(papers).where(papers.c.arxiv_id == arxiv_id)).mappings().first()
    return dict(row) if row else None


def id_of(conn: Connection, arxiv_id: str) -> int | None:
    return conn.execute(select(papers.c.id).where(papers.c.arxiv_id == arxiv_id)).scalar()


def arxiv_id_of(conn: Connection, paper_id: int) -> str | None:
    return conn.execute(select(papers.c.arxiv_id).where(papers.c.id == paper_id)).scalar()


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(papers)).scalar_one()


def insert_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert new papers; returns their ids keyed by arXiv id."""
    if not rows:
        return {}
    conn.execute(papers.insert(), list(rows))
    return {k: v["id"] for k, v in by_arxiv_ids(conn, (r["arxiv_id"] for r in rows)).items()}


def update_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Rewrite the content of existing papers; each row has ``id`` plus every content column."""
    if not rows:
        return
    columns = (*CONTENT_COLUMNS, "content_hash", "source", "modified_at")
    statement = (
        update(papers)
        .where(papers.c.id == bindparam("_id"))
        .values({column: bindparam(f"v_{column}") for column in columns})
    )
    conn.execute(
        statement, [{"_id": row["id"], **{f"v_{c}": row[c] for c in columns}} for row in rows]
    )


def _arxiv_date(conn: Connection):
    """A paper's arXiv date: its first-version time, else its listing day at 00:00 UTC (arXiv
    listing dumps carry no time). Typed as UTCDateTime, so cursors compare on both backends."""
    if conn.dialect.name == "sqlite":
        # Same text layout SQLAlchemy stores SQLite datetimes in, so the two sort together.
        listed = func.strftime("%Y-%m-%d %H:%M:%f", papers.c.listed_on).concat("000")
    else:
        listed = func.timezone("UTC", cast(papers.c.listed_on, DateTime()))
    return type_coerce(func.coalesce(papers.c.published_at, listed), UTCDateTime())


def newest_page(
    conn: Connection, limit: int, after: tuple[datetime | None, int] | None = None
) -> list[dict[str, Any]]:
    """One page of every paper, newest arXiv date first (undated papers last), continuing after
    the (arxiv_date, id) of the previous page's last paper. Rows carry ``arxiv_date``."""
    when = _arxiv_date(conn)
    undated = when.is_(None)
    query = select(papers.c.id, when.label("arxiv_date"))
    if after is not None:
        after_when, after_id = after
        if after_when is None:
            query = query.where(undated, papers.c.id < after_id)
        else:
            query = query.where(
                or_(when < after_when, and_(when == after_when, papers.c.id < after_id), undated)
            )
    query = query.order_by(undated, when.desc(), papers.c.id.desc()).limit(limit)
    return [dict(row) for row in conn.execute(query).mappings()]
