"""A reader's marks on papers: "saved" (more like this) and "not interested" (less like this).

Marks feed the "for you" ranking (:mod:`dailypapers.recommend.personal`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.papers.voting import PaperNotFound, resolve_id
from dailypapers.store import marks as mark_store
from dailypapers.store import papers as paper_store

KINDS = mark_store.KINDS


def set_mark(db: Database, user: User, arxiv_id: str, kind: str | None) -> None:
    """Mark a paper (``kind`` None clears the mark). Raises PaperNotFound."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown mark {kind!r}")
    key = resolve_id(arxiv_id)
    with db.write() as conn:
        paper_id = paper_store.id_of(conn, key)
        if paper_id is None:
            raise PaperNotFound(key)
        mark_store.set_mark(conn, user.id, paper_id, kind, datetime.now(UTC))
