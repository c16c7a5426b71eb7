"""The reader's personal ranking ("for you"), fed from the stored paper embeddings.

The scoring is pure (:mod:`dailypapers.recommend.model`); this module fetches what it needs:
the pool of recent papers with its hubness (shared by every reader, cached per process until
the pool changes), each reader's wanted and unwanted papers (:mod:`.positives`), and for "From
the archive" the nearest neighbours of their papers in the vector index (``search.service``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from cachetools import LRUCache
from sqlalchemy import Connection

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.recommend import model
from dailypapers.recommend.positives import Positives
from dailypapers.search import service
from dailypapers.store import paper_scores

# "New for you" ranks the week's papers (a weekly digest covers a week), at most this many.
POOL_DAYS = 7
POOL_SIZE = 5000
# Hubness is measured against this many pool papers (evenly spread): 5,000 x 5,000 products
# would cost a second a pool, and a thousand gives the same neighbourhood density as the
# bench's single day at its best HUB_NEIGHBOURS.
HUB_REFERENCE = 1000
# "From the archive": each of the reader's newest ARCHIVE_QUERIES papers brings its
# ARCHIVE_NEIGHBOURS nearest papers of the whole index; the union (a few hundred) is ranked,
# its hubness measured against the recent pool's sample (a plain sample of the archive).
# An index search costs about 2 ms of CPU at 85k papers: four, and a third of the pool's
# hubness sample, keep a reader's first archive near 10 ms (bench recommend); the candidates
# they bring are still ranked against every wanted paper.
ARCHIVE_QUERIES = 4
ARCHIVE_NEIGHBOURS = 40
ARCHIVE_REFERENCE_STEP = 3
ARCHIVE_KEPT = 100  # picks kept per reader: enough for the page after marks remove some

_pools: LRUCache = LRUCache(maxsize=4)  # a few databases or moments per process (tests, bench)
_archives: LRUCache = LRUCache(maxsize=4096)  # readers' archive picks, about 5 kB each
_pools_lock = threading.Lock()


@dataclass(frozen=True)
class Pool:
    ids: list[int]
    matrix: np.ndarray
    reference: np.ndarray  # the plain sample of papers hubness is measured against
    hubness: np.ndarray


@dataclass(frozen=True)
class Pick:
    paper_id: int
    score: float
    because: int  # the reader's wanted paper it is closest to


class Recommender:
    """One moment's recommendations, for one reader or a whole composing round."""

    def __init__(self, conn: Connection, settings: Settings, as_of: datetime, db: Database):
        self.conn = conn
        self.settings = settings
        self.as_of = as_of
        self.db = db
        self._vectors: dict[int, np.ndarray] = {}
        self._pool: Pool | None = None

    def pool(self) -> Pool:
        """Recent papers with an embedding and their hubness: read once per recommender (a
        composing round), computed once per process while the pool stays the same."""
        if self._pool is None:
            self._pool = self._shared_pool()
        return self._pool

    def _shared_pool(self) -> Pool:
        since = self.as_of - timedelta(days=POOL_DAYS)
        ids = paper_scores.recent_paper_ids(self.conn, since, self.as_of, POOL_SIZE)
        key = (str(self.db.engine.url), tuple(ids))
        with _pools_lock:
            found = _pools.get(key)
        if found is None:
            have, matrix = self.vectors(ids)
            reference = matrix[:: max(1, len(have) // HUB_REFERENCE)] if have else matrix
            found = Pool(have, matrix, reference, model.hubness(matrix, reference))
            with _pools_lock:
                _pools[key] = found
        return found

    def vectors(self, paper_ids: list[int]) -> tuple[list[int], np.ndarray]:
        missing = [i for i in paper_ids if i not in self._vectors]
        if missing:
            have, matrix = service.embeddings_for(self.db, missing)
            self._vectors.update(zip(have, matrix, strict=True))
        have = [i for i in paper_ids if i in self._vectors]
        if not have:
            return [], np.zeros((0, 0), dtype=np.float32)
        return have, np.stack([self._vectors[i] for i in have])

    def taste(self, positives: Positives) -> tuple[list[int], model.Taste] | None:
        """(the wanted papers that have a vector, the reader's taste), or None without any."""
        wanted, good = self.vectors(sorted(positives.wanted))
        if not wanted:
            return None
        _, bad = self.vectors(sorted(positives.unwanted))
        return wanted, model.Taste(good, bad if len(bad) else good[:0])

    def new(self, positives: Positives, *, exclude: set[int], limit: int) -> list[Pick]:
        """The best of the recent pool for this reader."""
        found = self.taste(positives)
        pool = self.pool()
        if found is None or not pool.ids:
            return []
        wanted, taste = found
        ranked = model.rank(taste, pool.matrix, pool.hubness, pool.reference)
        return _best(pool.ids, ranked, wanted, exclude, limit)

    def archive(self, positives: Positives, *, exclude: set[int], limit: int) -> list[Pick]:
        """The best matches from every paper of the vector index (empty until it is ready),
        kept per process for the same reader's judgements and the same pool: the index
        searches cost tens of milliseconds, a page view after the first costs nothing."""
        pool = self.pool()
        key = (str(self.db.engine.url), positives.wanted, positives.unwanted, tuple(pool.ids))
        with _pools_lock:
            picks = _archives.get(key)
        if picks is None:
            picks = self._archive(positives, pool.reference[::ARCHIVE_REFERENCE_STEP])
            if picks:
                with _pools_lock:
                    _archives[key] = picks
        return [p for p in picks if p.paper_id not in exclude][:limit]

    def _archive(self, positives: Positives, reference: np.ndarray) -> list[Pick]:
        found = self.taste(positives)
        if found is None or not len(reference):
            return []
        wanted, taste = found
        ids, matrix = service.nearest_with_vectors(
            self.db, self.settings, taste.positives[-ARCHIVE_QUERIES:], ARCHIVE_NEIGHBOURS
        )
        if not ids:
            return []
        ranked = model.rank(taste, matrix, model.hubness(matrix, reference), reference)
        return _best(ids, ranked, wanted, set(), ARCHIVE_KEPT)


def _best(
    ids: list[int], ranked: model.Ranked, wanted: list[int], exclude: set[int], limit: int
) -> list[Pick]:
    picked: list[Pick] = []
    for index in np.argsort(-ranked.scores, kind="stable"):
        paper_id = ids[int(index)]
        if paper_id in exclude:
            continue
        because = wanted[int(ranked.because[index])]
        picked.append(Pick(paper_id, float(ranked.scores[index]), because))
        if len(picked) >= limit:
            break
    return picked


def rows_of(conn: Connection, picks: list[Pick]) -> list[tuple[dict[str, Any], float]]:
    """Mail-sized rows of the picks, in their order, with their scores (for the digest)."""
    rows = paper_scores.by_ids(conn, [p.paper_id for p in picks])
    return [(rows[p.paper_id], p.score) for p in picks if p.paper_id in rows]
