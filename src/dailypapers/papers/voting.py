"""Upvoting and un-voting a paper: what the site's buttons and the API's endpoints both call.

A vote is one row per user and paper (the primary key), so voting twice, or a hundred people at
once, counts exactly once each. The count shown is the upstream feed's count plus local votes.
"""

from __future__ import annotations

from dataclasses import dataclass

from dailypapers import arxiv_ids
from dailypapers.db.engine import Database
from dailypapers.store import papers as paper_store
from dailypapers.store import votes as vote_store


class PaperNotFound(LookupError):
    """No stored paper has this id (or the text is not an arXiv id at all)."""


@dataclass
class VoteState:
    paper_id: int
    arxiv_id: str
    upvotes: int
    voted: bool
    changed: bool  # False when the vote was already as asked


def upvote(db: Database, user_id: int, arxiv_id: str) -> VoteState:
    return _set(db, user_id, arxiv_id, True)


def unvote(db: Database, user_id: int, arxiv_id: str) -> VoteState:
    return _set(db, user_id, arxiv_id, False)


def _set(db: Database, user_id: int, arxiv_id: str, up: bool) -> VoteState:
    key = resolve_id(arxiv_id)
    with db.write() as conn:
        paper = paper_store.get(conn, key)
        if paper is None:
            raise PaperNotFound(key)
        if up:
            changed = vote_store.add(conn, user_id, paper["id"])
        else:
            changed = vote_store.remove(conn, user_id, paper["id"])
        total = paper["upstream_upvotes"] + vote_store.local_count(conn, paper["id"])
    return VoteState(paper["id"], key, total, up, changed)


def voted(db: Database, user_id: int | None, paper_ids: list[int]) -> set[int]:
    """Which of ``paper_ids`` the user upvoted (empty for a reader who is not signed in)."""
    if user_id is None or not paper_ids:
        return set()
    with db.read() as conn:
        return vote_store.voted(conn, user_id, paper_ids)


def resolve_id(arxiv_id: str) -> str:
    """The stored key (version-less id) of ``arxiv_id``; PaperNotFound when it is no id."""
    try:
        return arxiv_ids.normalise(arxiv_id)
    except arxiv_ids.InvalidArxivId:
        raise PaperNotFound(arxiv_id) from None
