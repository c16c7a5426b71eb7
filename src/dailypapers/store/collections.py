"""Collections (``collections``) and their items (``collection_items``): rows, counts, the
items in their order, and positions swapped for reordering."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, select, update

from dailypapers.db.schema import collection_items, collections, papers, users
from dailypapers.store.keys import chunks, sets_by

_COLUMNS = (
    collections,
    users.c.username.label("owner_username"),
    select(func.count())
    .where(collection_items.c.collection_id == collections.c.id)
    .scalar_subquery()
    .label("item_count"),
)


def _rows(query) -> Any:
    return query.select_from(collections.join(users, users.c.id == collections.c.user_id))


def insert(conn: Connection, values: Mapping[str, Any]) -> int:
    return conn.execute(collections.insert().values(**values)).inserted_primary_key[0]


def get(conn: Connection, collection_id: int) -> dict[str, Any] | None:
    """The collection's row with ``owner_username`` and ``item_count``, or None."""
    query = _rows(select(*_COLUMNS)).where(collections.c.id == collection_id)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def of_user(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    """A user's collections, most recently changed first."""
    query = (
        _rows(select(*_COLUMNS))
        .where(collections.c.user_id == user_id)
        .order_by(collections.c.updated_at.desc(), collections.c.id.desc())
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def count_of_user(conn: Connection, user_id: int) -> int:
    query = select(func.count()).select_from(collections).where(collections.c.user_id == user_id)
    return conn.execute(query).scalar_one()


def change(conn: Connection, collection_id: int, values: Mapping[str, Any]) -> None:
    conn.execute(update(collections).where(collections.c.id == collection_id).values(**values))


def remove(conn: Connection, collection_id: int) -> None:
    conn.execute(delete(collections).where(collections.c.id == collection_id))


def items(conn: Connection, collection_id: int) -> list[dict[str, Any]]:
    """The items of a collection in position order: ``paper_id``, ``arxiv_id``, ``note``,
    ``position``, ``added_at``."""
    query = (
        select(
            collection_items.c.paper_id,
            papers.c.arxiv_id,
            collection_items.c.note,
            collection_items.c.position,
            collection_items.c.added_at,
        )
        .select_from(collection_items.join(papers, papers.c.id == collection_items.c.paper_id))
        .where(collection_items.c.collection_id == collection_id)
        .order_by(collection_items.c.position, collection_items.c.paper_id)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def item_count(conn: Connection, collection_id: int) -> int:
    query = select(func.count()).where(collection_items.c.collection_id == collection_id)
    return conn.execute(query).scalar_one()


def paper_ids_in(conn: Connection, collection_id: int, paper_ids: Sequence[int]) -> set[int]:
    """Which of ``paper_ids`` the collection holds already."""
    found: set[int] = set()
    for chunk in chunks(sorted(set(paper_ids))):
        query = select(collection_items.c.paper_id).where(
            collection_items.c.collection_id == collection_id,
            collection_items.c.paper_id.in_(chunk),
        )
        found.update(conn.execute(query).scalars())
    return found


def add_items(
    conn: Connection, collection_id: int, paper_ids: Sequence[int], note: str, at: datetime
) -> None:
    """Append these papers (not yet in it) after the collection's last item, in this order."""
    last = select(func.max(collection_items.c.position)).where(
        collection_items.c.collection_id == collection_id
    )
    start = (conn.execute(last).scalar() or 0) + 1
    rows = [
        {
            "collection_id": collection_id,
            "paper_id": paper_id,
            "note": note,
            "position": start + offset,
            "added_at": at,
        }
        for offset, paper_id in enumerate(paper_ids)
    ]
    if rows:
        conn.execute(collection_items.insert(), rows)


def _item(collection_id: int, paper_id: int):
    return and_(
        collection_items.c.collection_id == collection_id,
        collection_items.c.paper_id == paper_id,
    )


def item(conn: Connection, collection_id: int, paper_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(collection_items).where(_item(collection_id, paper_id)))
    found = row.mappings().first()
    return dict(found) if found else None


def change_note(conn: Connection, collection_id: int, paper_id: int, note: str) -> int:
    """Rows changed (0 when the collection does not hold the paper)."""
    statement = update(collection_items).where(_item(collection_id, paper_id)).values(note=note)
    return conn.execute(statement).rowcount


def remove_item(conn: Connection, collection_id: int, paper_id: int) -> int:
    """Rows removed (0 when the collection did not hold the paper)."""
    return conn.execute(delete(collection_items).where(_item(collection_id, paper_id))).rowcount


def neighbour(conn: Connection, collection_id: int, position: int, *, before: bool) -> Any:
    """The item just before (or after) ``position``, or None at that end."""
    column = collection_items.c.position
    query = select(collection_items).where(
        collection_items.c.collection_id == collection_id,
        column < position if before else column > position,
    )
    query = query.order_by(column.desc() if before else column).limit(1)
    found = conn.execute(query).mappings().first()
    return dict(found) if found else None


def set_position(conn: Connection, collection_id: int, paper_id: int, position: int) -> None:
    statement = update(collection_items).where(_item(collection_id, paper_id))
    conn.execute(statement.values(position=position))


def paper_ids_of_user(conn: Connection, user_id: int) -> list[str]:
    """arXiv ids of the papers in any of the user's collections, newest addition first (a
    paper in several collections once, at its newest addition)."""
    newest = func.max(collection_items.c.added_at)
    query = (
        select(papers.c.arxiv_id)
        .select_from(
            collection_items.join(
                collections, collections.c.id == collection_items.c.collection_id
            ).join(papers, papers.c.id == collection_items.c.paper_id)
        )
        .where(collections.c.user_id == user_id)
        .group_by(papers.c.id, papers.c.arxiv_id)
        .order_by(newest.desc(), papers.c.id.desc())
    )
    return list(conn.execute(query).scalars())


def paper_ids_by_user(conn: Connection, user_ids: Sequence[int]) -> dict[int, set[int]]:
    """{each of ``user_ids``: ids of the papers in any of their collections}."""
    joined = collection_items.join(
        collections, collections.c.id == collection_items.c.collection_id
    )
    return sets_by(
        conn, collections.c.user_id, collection_items.c.paper_id, user_ids, source=joined
    )
