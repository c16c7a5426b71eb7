"""What a reader told us they want and do not want: the one place recommendations learn from.

Wanted: upvoted, saved and 👍 papers, and the papers of their collections (an imported library
counts at once). Unwanted: 👎 and "not interested". Read in bulk for a digest round, or for one
reader on /for-you; both go through :func:`positives_of`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection

from dailypapers.store import collections as collection_store
from dailypapers.store import marks as mark_store
from dailypapers.store import paper_scores

WANTED_MARKS = ("saved", "liked")
UNWANTED_MARKS = ("not_interested", "disliked")


@dataclass(frozen=True)
class Positives:
    upvoted: frozenset[int]
    marked: dict[int, str]  # paper id -> mark kind
    collected: frozenset[int] = frozenset()  # in one of the reader's collections

    @property
    def wanted(self) -> frozenset[int]:
        marked = {p for p, k in self.marked.items() if k in WANTED_MARKS}
        return self.upvoted | self.collected | marked

    @property
    def unwanted(self) -> frozenset[int]:
        return frozenset(p for p, k in self.marked.items() if k in UNWANTED_MARKS)

    @property
    def known(self) -> frozenset[int]:
        """Every paper the reader has judged: never recommended to them again."""
        return self.wanted | self.unwanted

    def why(self, paper_id: int) -> str:
        """How the reader told us about one of their wanted papers ("you upvoted"...)."""
        kind = self.marked.get(paper_id)
        if kind == "saved":
            return "you saved"
        if kind == "liked":
            return "you liked"
        if paper_id in self.upvoted:
            return "you upvoted"
        return "is in your library"


def positives_of(conn: Connection, user_ids: Iterable[int]) -> dict[int, Positives]:
    """{user id: what they want and do not want}, for every user asked about."""
    wanted = sorted(set(user_ids))
    marks = mark_store.for_users(conn, wanted)
    voted = paper_scores.voted_by(conn, wanted)
    collected = collection_store.paper_ids_by_user(conn, wanted)
    return {
        u: Positives(frozenset(voted.get(u, ())), marks.get(u, {}), frozenset(collected.get(u, ())))
        for u in wanted
    }
