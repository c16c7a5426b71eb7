"""Authors of papers (``paper_authors``): rewritten with a paper's authors, and read by name key
for the author pages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, select

from dailypapers.db.schema import paper_authors, papers
from dailypapers.store.keys import chunks


def replace(conn: Connection, paper_ids: Iterable[int], rows: Sequence[dict[str, Any]]) -> None:
    """These papers' author rows become ``rows`` (paper_id, position, name, name_key,
    surname_key): the old ones deleted, the new ones written, in the caller's transaction."""
    for chunk in chunks(list(paper_ids)):
        conn.execute(delete(paper_authors).where(paper_authors.c.paper_id.in_(chunk)))
    if rows:
        conn.execute(paper_authors.insert(), list(rows))


def spellings(conn: Connection, keys: Iterable[str]) -> list[tuple[str, str, int]]:
    """(name_key, name as given, how many papers give it so) for these keys, most used first."""
    wanted = list(set(keys))
    if not wanted:
        return []
    used = func.count(paper_authors.c.paper_id.distinct())
    query = (
        select(paper_authors.c.name_key, paper_authors.c.name, used.label("n"))
        .where(paper_authors.c.name_key.in_(wanted))
        .group_by(paper_authors.c.name_key, paper_authors.c.name)
        .order_by(used.desc(), paper_authors.c.name)
    )
    return [(row.name_key, row.name, row.n) for row in conn.execute(query)]


def keys_with_surname(conn: Connection, surname: str, limit: int) -> list[tuple[str, int]]:
    """(name_key, papers) of the authors whose key ends in ``surname``, most papers first."""
    used = func.count(paper_authors.c.paper_id.distinct())
    query = (
        select(paper_authors.c.name_key, used.label("n"))
        .where(paper_authors.c.surname_key == surname)
        .group_by(paper_authors.c.name_key)
        .order_by(used.desc(), paper_authors.c.name_key)
        .limit(limit)
    )
    return [(row.name_key, row.n) for row in conn.execute(query)]


def _arxiv_date():
    return func.coalesce(papers.c.published_at, papers.c.created_at)


def papers_of(conn: Connection, keys: Sequence[str], *, limit: int, offset: int) -> list[int]:
    """Ids of the papers with an author of these keys, newest first (first-version date, else
    when stored), one page."""
    matching = select(paper_authors.c.paper_id).where(paper_authors.c.name_key.in_(keys))
    query = (
        select(papers.c.id)
        .where(papers.c.id.in_(matching))
        .order_by(_arxiv_date().desc(), papers.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(conn.execute(query).scalars())


def count_papers(conn: Connection, keys: Sequence[str]) -> int:
    query = select(func.count(paper_authors.c.paper_id.distinct())).where(
        paper_authors.c.name_key.in_(keys)
    )
    return conn.execute(query).scalar_one()


def coauthors(conn: Connection, keys: Sequence[str], limit: int) -> list[tuple[str, int]]:
    """(name_key, papers together) of the other authors of these keys' papers, most first."""
    theirs = select(paper_authors.c.paper_id).where(paper_authors.c.name_key.in_(keys))
    together = func.count(paper_authors.c.paper_id.distinct())
    query = (
        select(paper_authors.c.name_key, together.label("n"))
        .where(paper_authors.c.paper_id.in_(theirs), paper_authors.c.name_key.not_in(keys))
        .group_by(paper_authors.c.name_key)
        .order_by(together.desc(), paper_authors.c.name_key)
        .limit(limit)
    )
    return [(row.name_key, row.n) for row in conn.execute(query)]


def categories_of(conn: Connection, keys: Sequence[str]) -> list[list[str]]:
    """The category lists of these keys' papers (one list per paper)."""
    theirs = select(paper_authors.c.paper_id).where(paper_authors.c.name_key.in_(keys))
    query = select(papers.c.categories).where(papers.c.id.in_(theirs))
    return [row or [] for row in conn.execute(query).scalars()]
