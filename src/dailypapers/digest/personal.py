"""The reader's personal ranking ("for you"), fed from the stored paper embeddings.

The scoring itself is pure and lives in :mod:`dailypapers.digest.recommend`; this module only
fetches what it needs: the pool of recent papers (read once per composing round), their
embeddings and those of each reader's upvoted / saved / "not interested" papers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection

from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.digest import recommend
from dailypapers.digest.compose import Paper
from dailypapers.papers import catalog
from dailypapers.papers.records import Card
from dailypapers.search import service
from dailypapers.store import marks as mark_store
from dailypapers.store import paper_scores

# The pool a reader's picks come from: the week's papers, at most this many of the newest.
POOL_DAYS = 7
POOL_SIZE = 5000


class Recommender:
    def __init__(self, conn: Connection, settings: Settings, as_of: datetime, db: Database):
        self.conn = conn
        self.settings = settings
        self.as_of = as_of
        self.db = db
        self._pool: tuple[list[dict[str, Any]], np.ndarray] | None = None
        self._vectors: dict[int, np.ndarray] = {}

    def pool(self) -> tuple[list[dict[str, Any]], np.ndarray]:
        """Recent papers with an embedding: (rows, matrix), read once."""
        if self._pool is None:
            ids = paper_scores.recent_paper_ids(
                self.conn, self.as_of - timedelta(days=POOL_DAYS), self.as_of, POOL_SIZE
            )
            have, matrix = self.vectors(ids)
            rows = paper_scores.by_ids(self.conn, have)
            self._pool = ([rows[i] for i in have], matrix)
        return self._pool

    def vectors(self, paper_ids: list[int]) -> tuple[list[int], np.ndarray]:
        missing = [i for i in paper_ids if i not in self._vectors]
        if missing:
            have, matrix = service.embeddings_for(self.db, missing)
            self._vectors.update(zip(have, matrix, strict=True))
        have = [i for i in paper_ids if i in self._vectors]
        if not have:
            return [], np.zeros((0, 0), dtype=np.float32)
        return have, np.stack([self._vectors[i] for i in have])

    def rank(
        self, *, positives: set[int], negatives: set[int], exclude: set[int], limit: int
    ) -> list[tuple[Any, float]]:
        if not positives:
            return []
        _, pos = self.vectors(sorted(positives))
        _, neg = self.vectors(sorted(negatives))
        profile = recommend.personal_profile(pos, neg)
        if profile is None:
            return []
        rows, matrix = self.pool()
        if not rows:
            return []
        scores = recommend.personal_scores(profile, matrix)
        order = np.argsort(-scores, kind="stable")
        picked: list[tuple[Any, float]] = []
        for index in order:
            row = rows[int(index)]
            if row["id"] in exclude:
                continue
            picked.append((Paper.from_row(row), float(scores[index])))
            if len(picked) >= limit:
                break
        return picked


def for_user(
    db: Database, settings: Settings, user: User, *, limit: int = 20, now: datetime | None = None
) -> tuple[list[tuple[Card, float]], str | None]:
    """The "for you" page: the same model as the digest's section, over the papers of the week
    before the newest one stored (so an imported archive still has a pool). Returns (cards with
    their scores, a notice for the reader or None)."""
    now = now or datetime.now(UTC)
    with db.read() as conn:
        newest = paper_scores.newest_published(conn)
        as_of = min(now, newest + timedelta(seconds=1)) if newest else now
        marks = mark_store.for_user(conn, user.id)
        voted = paper_scores.voted_by(conn, [user.id])[user.id]
        saved = {p for p, k in marks.items() if k == "saved"}
        not_interested = {p for p, k in marks.items() if k == "not_interested"}
        if not (voted | saved):
            return [], "Upvote or save a few papers: they are what this list learns from."
        ranked = Recommender(conn, settings, as_of, db).rank(
            positives=voted | saved,
            negatives=not_interested,
            exclude=voted | saved | not_interested,
            limit=limit,
        )
        scores = {paper.id: score for paper, score in ranked}
        cards = catalog.cards_in(conn, list(scores), user_id=user.id)
    if not ranked and not service.embeddings_for(db, sorted(voted | saved))[0]:
        return [], "Recommendations need the search index (paper embeddings)."
    return [(card, scores[card.id]) for card in cards], None
