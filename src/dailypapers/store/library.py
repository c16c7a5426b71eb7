"""What an import reads and leaves behind: every stored paper's title (to match entries that
name no arXiv id), and the queue of arXiv ids to fetch (``library_fetches``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, select, update

from dailypapers.db.schema import arxiv_misses, collections, library_fetches, papers
from dailypapers.store.keys import chunks

# Titles read per round trip: the whole table streams without holding it in one result.
TITLE_BATCH = 5000


def titles(conn: Connection) -> Iterator[tuple[int, str, str]]:
    """(id, arXiv id, title) of every stored paper, by id."""
    after = 0
    while True:
        query = (
            select(papers.c.id, papers.c.arxiv_id, papers.c.title)
            .where(papers.c.id > after)
            .order_by(papers.c.id)
            .limit(TITLE_BATCH)
        )
        rows = conn.execute(query).all()
        if not rows:
            return
        yield from ((row[0], row[1], row[2]) for row in rows)
        after = rows[-1][0]


def ids_of(conn: Connection, arxiv_ids: Sequence[str]) -> dict[str, int]:
    """{arXiv id: paper id} of the stored papers among ``arxiv_ids``."""
    found: dict[str, int] = {}
    for chunk in chunks(sorted(set(arxiv_ids))):
        query = select(papers.c.arxiv_id, papers.c.id).where(papers.c.arxiv_id.in_(chunk))
        found.update((row[0], row[1]) for row in conn.execute(query))
    return found


def missing_since(conn: Connection, arxiv_ids: Sequence[str], since: datetime) -> set[str]:
    """Which of ``arxiv_ids`` a lookup found missing on arXiv after ``since``."""
    found: set[str] = set()
    for chunk in chunks(sorted(set(arxiv_ids))):
        query = select(arxiv_misses.c.arxiv_id).where(
            arxiv_misses.c.arxiv_id.in_(chunk), arxiv_misses.c.checked_at > since
        )
        found.update(conn.execute(query).scalars())
    return found


def queue(conn: Connection, collection_id: int, arxiv_ids: Sequence[str], at: datetime) -> None:
    """Queue these ids (not queued for this collection yet) for fetching from ``at`` on."""
    known = set(
        conn.execute(
            select(library_fetches.c.arxiv_id).where(
                library_fetches.c.collection_id == collection_id
            )
        ).scalars()
    )
    rows = [
        {"collection_id": collection_id, "arxiv_id": arxiv_id, "next_attempt_at": at}
        for arxiv_id in dict.fromkeys(arxiv_ids)
        if arxiv_id not in known
    ]
    if rows:
        conn.execute(library_fetches.insert(), rows)


def due(conn: Connection, now: datetime, limit: int) -> list[dict[str, Any]]:
    """Queued fetches whose time has come, oldest first, with the collection's owner."""
    query = (
        select(library_fetches, collections.c.user_id)
        .select_from(
            library_fetches.join(collections, collections.c.id == library_fetches.c.collection_id)
        )
        .where(library_fetches.c.next_attempt_at <= now)
        .order_by(library_fetches.c.next_attempt_at, library_fetches.c.queued_at)
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def _key(row: dict[str, Any]):
    return and_(
        library_fetches.c.collection_id == row["collection_id"],
        library_fetches.c.arxiv_id == row["arxiv_id"],
    )


def claim(conn: Connection, row: dict[str, Any], until: datetime) -> bool:
    """Move a due fetch's next attempt to ``until``; False when another worker moved it first."""
    statement = (
        update(library_fetches)
        .where(_key(row), library_fetches.c.next_attempt_at == row["next_attempt_at"])
        .values(next_attempt_at=until, attempts=library_fetches.c.attempts + 1)
    )
    return conn.execute(statement).rowcount == 1


def retry_at(conn: Connection, row: dict[str, Any], when: datetime) -> None:
    conn.execute(update(library_fetches).where(_key(row)).values(next_attempt_at=when))


def done(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Forget these fetches (the paper arrived, or arXiv has none, or they were given up)."""
    for row in rows:
        conn.execute(delete(library_fetches).where(_key(row)))


def pending(conn: Connection, collection_id: int) -> list[str]:
    """The arXiv ids still queued for a collection."""
    query = (
        select(library_fetches.c.arxiv_id)
        .where(library_fetches.c.collection_id == collection_id)
        .order_by(library_fetches.c.arxiv_id)
    )
    return list(conn.execute(query).scalars())
