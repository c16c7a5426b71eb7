"""Papers: lookups by arXiv id and the batched inserts/updates the ingest pipeline needs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from dailypapers.db.schema import papers

# Columns an ingest record can set (everything but keys, counters and bookkeeping).
CONTENT_COLUMNS = (
    "arxiv_id", "version", "title", "abstract", "authors", "categories", "primary_category",
    "comment", "published_at", "updated_at", "abs_url", "pdf_url", "github_repo", "github_stars",
    "project_page", "ai_summary", "ai_keywords", "organization", "media_urls", "discussion_id",
    "listed_on",
)


def by_arxiv_ids(conn: Connection, arxiv_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Full rows keyed by arXiv id, for the ids that exist."""
    wanted = list(set(arxiv_ids))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 900):  # SQLite caps bound parameters per statement
        chunk = wanted[start : start + 900]
        for row in conn.execute(select(papers).where(papers.c.arxiv_id.in_(chunk))).mappings():
            found[row["arxiv_id"]] = dict(row)
    return found


def get(conn: Connection, arxiv_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(papers).where(papers.c.arxiv_id == arxiv_id)).mappings().first()
    return dict(row) if row else None


def get_by_id(conn: Connection, paper_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(papers).where(papers.c.id == paper_id)).mappings().first()
    return dict(row) if row else None


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


def latest(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    """The most recently published papers (the minimal front page before the site issue)."""
    query = (
        select(papers)
        .order_by(papers.c.published_at.desc().nulls_last(), papers.c.id.desc())
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]
