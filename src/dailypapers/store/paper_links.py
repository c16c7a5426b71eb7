"""A paper's code links (``paper_links``): rewritten with the paper, read for its cards, and the
"has code" condition the feed and search filter by."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, exists, select

from dailypapers.db.schema import paper_links
from dailypapers.store.keys import chunks


def replace(conn: Connection, paper_ids: Iterable[int], rows: Sequence[dict[str, Any]]) -> None:
    """These papers' link rows become ``rows`` (paper_id, position, url, kind, source): the old
    ones deleted, the new ones written, in the caller's transaction."""
    for chunk in chunks(list(paper_ids)):
        conn.execute(delete(paper_links).where(paper_links.c.paper_id.in_(chunk)))
    if rows:
        conn.execute(paper_links.insert(), list(rows))


def of_papers(conn: Connection, paper_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """{paper id: its link rows (url, kind, source) in order}, for the papers that have any."""
    wanted = sorted(set(paper_ids))
    found: dict[int, list[dict[str, Any]]] = {}
    columns = (paper_links.c.paper_id, paper_links.c.url, paper_links.c.kind, paper_links.c.source)
    for chunk in chunks(wanted):
        query = (
            select(*columns)
            .where(paper_links.c.paper_id.in_(chunk))
            .order_by(paper_links.c.paper_id, paper_links.c.position)
        )
        for row in conn.execute(query).mappings():
            found.setdefault(row["paper_id"], []).append(dict(row))
    return found


def has_code(paper_id: ColumnElement) -> ColumnElement[bool]:
    """The paper whose key is ``paper_id`` (a column of the caller's query) has a ``code`` link:
    one EXISTS the primary key (paper_id, position) answers."""
    return exists().where(paper_links.c.paper_id == paper_id, paper_links.c.kind == "code")


def with_code(conn: Connection, paper_ids: Iterable[int]) -> set[int]:
    """Those of these papers that have a ``code`` link."""
    wanted = sorted(set(paper_ids))
    found: set[int] = set()
    for chunk in chunks(wanted):
        query = (
            select(paper_links.c.paper_id)
            .where(paper_links.c.paper_id.in_(chunk), paper_links.c.kind == "code")
            .distinct()
        )
        found.update(conn.execute(query).scalars())
    return found
