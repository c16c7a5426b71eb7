"""Papers as the keyword index reads them: their text and filter values, and what changed when."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from dailypapers.db.schema import papers
from dailypapers.store.keys import chunks

_COLUMNS = (
    papers.c.id,
    papers.c.title,
    papers.c.abstract,
    papers.c.authors,
    papers.c.categories,
    papers.c.published_at,
    papers.c.listed_on,
    papers.c.modified_at,
)


def latest_change(conn: Connection) -> datetime | None:
    """When the most recently changed paper changed (one index lookup)."""
    return conn.execute(select(func.max(papers.c.modified_at))).scalar()


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(papers)).scalar_one()


def changed_since(conn: Connection, since: datetime | None) -> list[tuple[int, datetime]]:
    """(id, modified_at) of the papers changed at or after ``since`` (all when None): keys
    only, read from the index on modified_at, so re-reading a window of them is cheap."""
    query = select(papers.c.id, papers.c.modified_at)
    if since is not None:
        query = query.where(papers.c.modified_at >= since)
    return [(row.id, row.modified_at) for row in conn.execute(query)]


def rows_of(conn: Connection, ids: Iterable[int]) -> list[dict[str, Any]]:
    """The indexed columns of the papers ``ids`` (those that exist)."""
    found: list[dict[str, Any]] = []
    for chunk in chunks(list(ids)):
        query = select(*_COLUMNS).where(papers.c.id.in_(chunk))
        found.extend(dict(row) for row in conn.execute(query).mappings())
    return found


def stream(conn: Connection, page: int = 5_000) -> Iterator[list[dict[str, Any]]]:
    """Every paper's indexed columns, a page at a time, by id."""
    after = 0
    while True:
        query = select(*_COLUMNS).where(papers.c.id > after).order_by(papers.c.id).limit(page)
        rows = [dict(row) for row in conn.execute(query).mappings()]
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]
