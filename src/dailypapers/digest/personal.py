"""The reader's personal ranking ("for you"), fed from the stored paper embeddings.

The scoring itself is pure and lives in :mod:`dailypapers.digest.recommend`; this module only
fetches what it needs: the pool of recent papers (read once per composing round), their
embeddings and those of each reader's upvoted / saved / "not interested" papers.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection

from dailypapers.digest import recommend
from dailypapers.config import Settings

log = logging.getLogger(__name__)

POOL_DAYS = 7
POOL_SIZE = 5000


def _embeddings_for():  # noqa: ANN202 - the search package's loader, when it is there
    try:
        from dailypapers.search.indexing import embeddings_for
    except ImportError:
        return None
    return embeddings_for


class Recommender:
    def __init__(self, conn: Connection, settings: Settings, as_of: datetime, db: Any = None):
        self.conn = conn
        self.settings = settings
        self.as_of = as_of
        self.db = db
        self._pool: tuple[list[dict[str, Any]], np.ndarray] | None = None
        self._vectors: dict[int, np.ndarray] = {}
        self.available = _embeddings_for() is not None and db is not None

    def pool(self) -> tuple[list[dict[str, Any]], np.ndarray]:
        """Recent papers with an embedding: (rows, matrix), read once."""
        if self._pool is None:
            from dailypapers.store import paper_scores

            ids = paper_scores.recent_paper_ids(
                self.conn, self.as_of - timedelta(days=POOL_DAYS), self.as_of, POOL_SIZE
            )
            have, matrix = self.vectors(ids)
            rows = paper_scores.by_ids(self.conn, have)
            self._pool = ([rows[i] for i in have], matrix)
        return self._pool

    def vectors(self, paper_ids: list[int]) -> tuple[list[int], np.ndarray]:
        missing = [i for i in paper_ids if i not in self._vectors]
        if missing and self.available:
            have, matrix = _embeddings_for()(self.db, missing)
            self._vectors.update(zip(have, matrix, strict=True))
        have = [i for i in paper_ids if i in self._vectors]
        if not have:
            return [], np.zeros((0, 0), dtype=np.float32)
        return have, np.stack([self._vectors[i] for i in have])

    def rank(self, *, positives: set[int], negatives: set[int], exclude: set[int],
             limit: int) -> list[tuple[Any, float]]:
        if not self.available or not positives:
            return []
        from dailypapers.digest.candidates import to_paper

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
            picked.append((to_paper(row), float(scores[index])))
            if len(picked) >= limit:
                break
        return picked


def for_user(db: Any, settings: Settings, user_id: int, *, limit: int = 20,
             now: datetime | None = None) -> tuple[list[tuple[dict, float]], str | None]:
    """The "for you" page: the same model as the digest's section, over the papers of the week
    before the newest one stored (so an imported archive still has a pool). Returns (cards with
    their scores, a notice for the reader or None)."""
    from datetime import UTC

    from dailypapers.store import marks as mark_store
    from dailypapers.store import paper_scores

    now = now or datetime.now(UTC)
    with db.read() as conn:
        newest = paper_scores.newest_published(conn)
        as_of = min(now, newest + timedelta(seconds=1)) if newest else now
        marks = mark_store.for_user(conn, user_id)
        voted = paper_scores.voted_by(conn, [user_id])[user_id]
        recommender = Recommender(conn, settings, as_of, db)
        if not recommender.available:
            return [], "Recommendations need the search index (paper embeddings)."
        saved = {p for p, k in marks.items() if k == "saved"}
        not_interested = {p for p, k in marks.items() if k == "not_interested"}
        if not (voted | saved):
            return [], ("Upvote or save a few papers: they are what this list learns from.")
        ranked = recommender.rank(positives=voted | saved, negatives=not_interested,
                                  exclude=voted | saved | not_interested, limit=limit)
        cards = paper_scores.cards_by_ids(conn, [paper.id for paper, _ in ranked])
    return [(cards[p.id], score) for p, score in ranked if p.id in cards], None
