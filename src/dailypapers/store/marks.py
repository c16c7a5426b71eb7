"""A reader's marks on papers: "saved" or "not interested" (one mark per user and paper)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from dailypapers.db.schema import paper_marks
from dailypapers.store.keys import chunks

# saved and liked (👍) teach "more like this"; not interested and disliked (👎) "less".
KINDS = ("saved", "not_interested", "liked", "disliked")


def set_mark(
    conn: Connection, user_id: int, paper_id: int, kind: str | None, now: datetime
) -> None:
    """Set (with ``kind=None``: clear) the user's mark on the paper; a new mark replaces the old."""
    if kind is None:
        conn.execute(
            delete(paper_marks).where(
                paper_marks.c.user_id == user_id, paper_marks.c.paper_id == paper_id
            )
        )
        return
    if kind not in KINDS:
        raise ValueError(f"unknown mark {kind!r}: use one of {KINDS}")
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(paper_marks).values(
        user_id=user_id, paper_id=paper_id, kind=kind, created_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "paper_id"],
        set_={"kind": statement.excluded.kind, "created_at": statement.excluded.created_at},
    )
    conn.execute(statement)


def for_user(conn: Connection, user_id: int) -> dict[int, str]:
    """{paper id: kind} of every mark the user made."""
    query = select(paper_marks.c.paper_id, paper_marks.c.kind).where(
        paper_marks.c.user_id == user_id
    )
    return {r.paper_id: r.kind for r in conn.execute(query)}


def for_users(conn: Connection, user_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    wanted = sorted(set(user_ids))
    found: dict[int, dict[int, str]] = {u: {} for u in wanted}
    for chunk in chunks(wanted):
        query = select(paper_marks.c.user_id, paper_marks.c.paper_id, paper_marks.c.kind).where(
            paper_marks.c.user_id.in_(chunk)
        )
        for r in conn.execute(query):
            found[r.user_id][r.paper_id] = r.kind
    return found
