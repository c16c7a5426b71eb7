"""What a worker mapping a snapshot adds to it: the papers embedded since, and the filter test
that snapshot and delta share.

The snapshot is read-only (a view of a file), so papers embedded after it was written, or
embedded again, are kept beside it in memory: a few thousand at most, since the index job writes
a new snapshot once the delta would grow past ``indexing.DELTA_LIMIT``. They are ranked exactly
(one matrix product) and merged with the graph's hits; a paper embedded again hides its copy in
the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Rows per matrix-vector product: past about 2,000 rows of 384, OpenBLAS splits the product
# over threads, which on busy cores made 5,000 rows cost 10-15 ms instead of 1.5 ms.
SCORED_AT_ONCE = 1024


@dataclass
class Hit:
    paper_id: int
    score: float  # cosine similarity


def passing(
    days: np.ndarray,
    category_bits: np.ndarray,
    *,
    first_day: int | None,
    last_day: int | None,
    wanted: np.ndarray | None,
) -> np.ndarray:
    """Rows whose day lies in [first_day, last_day] (an unknown day, -1, only passes an open
    start) and having a wanted category bit (``wanted``: words of bits, or None for any)."""
    allowed = np.ones(len(days), dtype=bool)
    if first_day is not None:
        allowed &= days >= first_day
    if last_day is not None:
        allowed &= (days <= last_day) & (days >= 0)
    if wanted is not None:
        # Column by column: only the 64-bit words holding a wanted category are read.
        hit = np.zeros(len(days), dtype=bool)
        for word in np.flatnonzero(wanted):
            if word < category_bits.shape[1]:
                hit |= (category_bits[:, word] & wanted[word]) != 0
        allowed &= hit
    return allowed


def wanted_bits(bits: dict[str, int], categories: list[str]) -> np.ndarray:
    """The words of ``bits`` (category -> bit) set for ``categories``; a bare archive (``cs``)
    means all of its categories (``cs.*``)."""
    wanted = np.zeros(len(bits) // 64 + 1, dtype=np.uint64)
    for requested in categories:
        for name, bit in bits.items():
            if name.lower() == requested.lower() or (
                "." not in requested and name.lower().startswith(requested.lower() + ".")
            ):
                wanted[bit // 64] |= np.uint64(1 << (bit % 64))
    return wanted


class Delta:
    """Papers embedded since the snapshot: their vectors and filter attributes, by row."""

    def __init__(self, dimensions: int):
        self.rows: dict[int, int] = {}  # paper id -> row
        self.superseded: set[int] = set()  # papers whose snapshot copy this delta replaces
        self.ids = np.zeros(0, dtype=np.int64)
        self.vectors = np.zeros((0, dimensions), dtype=np.float32)
        self.days = np.zeros(0, dtype=np.int32)
        self.fingerprints = np.zeros(0, dtype=np.uint32)
        self.category_bits = np.zeros((0, 1), dtype=np.uint64)

    def __len__(self) -> int:
        return len(self.rows)

    def _make_room(self, rows: int, words: int) -> None:
        extra = max(rows, len(self.ids) * 2, 64) - len(self.ids) if rows > len(self.ids) else 0
        more = max(0, words - self.category_bits.shape[1])
        if not (extra or more):
            return
        self.ids = np.pad(self.ids, (0, extra), constant_values=-1)
        self.vectors = np.pad(self.vectors, ((0, extra), (0, 0)))
        self.days = np.pad(self.days, (0, extra), constant_values=-1)
        self.fingerprints = np.pad(self.fingerprints, (0, extra))
        self.category_bits = np.pad(self.category_bits, ((0, extra), (0, more)))

    def put(
        self,
        paper_id: int,
        vector: np.ndarray,
        *,
        day: int,
        bits: np.ndarray,
        fingerprint: int,
        in_snapshot: bool,
    ) -> None:
        row = self.rows.get(paper_id)
        if row is None:
            row = len(self.rows)
            self._make_room(row + 1, len(bits))
            self.rows[paper_id] = row
        else:
            self._make_room(len(self.rows), len(bits))
        if in_snapshot:
            self.superseded.add(paper_id)
        self.ids[row] = paper_id
        self.vectors[row] = vector
        self.days[row] = day
        self.fingerprints[row] = fingerprint
        self.category_bits[row] = 0
        self.category_bits[row, : len(bits)] = bits

    def get(self, paper_id: int) -> np.ndarray | None:
        row = self.rows.get(paper_id)
        return None if row is None else self.vectors[row].copy()

    def fingerprint(self, paper_id: int) -> int | None:
        row = self.rows.get(paper_id)
        return None if row is None else int(self.fingerprints[row])

    def passing(self, **filters) -> np.ndarray:
        """:func:`passing` over the rows in use."""
        count = len(self.rows)
        return passing(self.days[:count], self.category_bits[:count], **filters)

    def search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None) -> list[Hit]:
        """The ``k`` nearest papers of the delta among ``allowed`` (by paper id; all if None)."""
        count = len(self.rows)
        if count == 0 or k <= 0:
            return []
        # Every row is scored (slices: no copy of the vectors), then the filter applies.
        scores = np.empty(count, dtype=np.float32)
        for start in range(0, count, SCORED_AT_ONCE):
            end = min(start + SCORED_AT_ONCE, count)
            scores[start:end] = self.vectors[start:end] @ vector
        rows = np.arange(count)
        if allowed is not None:
            ids = self.ids[:count]
            inside = ids < len(allowed)
            rows = rows[inside][allowed[ids[inside]]]
            scores = scores[rows]
        if len(rows) > k:
            best = np.argpartition(-scores, k)[:k]
            rows, scores = rows[best], scores[best]
        order = np.argsort(-scores)
        return [Hit(int(self.ids[rows[i]]), float(scores[i])) for i in order]
