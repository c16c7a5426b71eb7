"""The vector index: an HNSW graph (usearch) over the stored embeddings, plus filter attributes.

The store is the source of truth; this index is derived from it. Each process holds one
:class:`VectorIndex`: a snapshot under ``search_index_dir`` memory-mapped read-only (shared by
every worker of the machine through the page cache: :mod:`.vector_snapshots`) plus a small delta
in memory of what was embedded since (:mod:`.vector_delta`), kept current by catching up with
embeddings written since its watermark (by this or any other worker). The index job writes a
new snapshot from an index read into memory (``in_memory``), which takes vectors into its graph.

Vectors are held as float16 (768 bytes each, about 0.9 GB with the graph for a million papers).
Filters (date range, categories) are applied as a candidate mask *before* ranking: a small
candidate set is ranked exactly; a large one is searched in the graph with enough oversampling
that the mask still leaves ``k`` results. Attribute arrays are indexed by paper id (ids are
dense surrogate keys), so a mask over a million papers costs about a millisecond.
"""

from __future__ import annotations

import logging
import math
import threading
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from usearch.index import Index

from dailypapers.days import day_number
from dailypapers.search import vector_snapshots
from dailypapers.search.vector_delta import SCORED_AT_ONCE, Delta, Hit, passing, wanted_bits
from dailypapers.search.vector_snapshots import IndexUnreadable
from dailypapers.store import embeddings as embedding_store

log = logging.getLogger(__name__)

EXACT_LIMIT = 4_096  # candidate sets up to this size are ranked exactly (a few ms)
MAX_OVERSAMPLE = 5_000
# Catch-up re-reads this much before the watermark: transactions commit out of timestamp order
# and clocks of several machines differ a little. Re-reading is idempotent.
OVERLAP = timedelta(minutes=5)


@dataclass
class Changes:
    """Embeddings a catching up will apply: the newest one's time and the papers to fetch."""

    latest: datetime
    paper_ids: list[int]


class VectorIndex:
    def __init__(self, model: str, dimensions: int, *, threads: int = 0):
        self.model = model
        self.dimensions = dimensions
        self.threads = threads
        self.graph = self._new_graph()
        self.days = np.full(0, -1, dtype=np.int32)
        self.present = np.zeros(0, dtype=bool)
        # crc32 of each paper's stored vector: catching up skips rows the index already holds
        # (after a snapshot load, the overlap window would otherwise re-add thousands).
        self.fingerprints = np.zeros(0, dtype=np.uint32)
        self.category_bits = np.zeros((0, 1), dtype=np.uint64)
        self.categories: dict[str, int] = {}
        self.watermark: datetime | None = None
        # Papers applied within the overlap window (id -> embedded_at), kept in snapshots too:
        # catching up skips them instead of fetching their vectors again.
        self._applied: dict[int, datetime] = {}
        self._seen: datetime | None = None  # the newest embedding already handled
        self.generation: str | None = None  # the snapshot opened, if any
        # Set when the graph and arrays are a mapped snapshot (read-only): additions go here.
        self.delta: Delta | None = None
        self.lock = threading.RLock()

    def _new_graph(self) -> Index:
        return Index(
            ndim=self.dimensions,
            metric="cos",
            dtype="f16",
            connectivity=16,
            expansion_add=128,
            expansion_search=128,
        )

    def __len__(self) -> int:
        if self.delta is None:
            return len(self.graph)
        return len(self.graph) + len(self.delta) - len(self.delta.superseded)

    # -- building ----------------------------------------------------------------------------

    def _grow(self, max_id: int) -> None:
        size = len(self.days)
        if max_id < size:
            return
        extra = max(max_id + 1, int(size * 1.5) + 1024) - size
        self.days = np.pad(self.days, (0, extra), constant_values=-1)
        self.present = np.pad(self.present, (0, extra))
        self.fingerprints = np.pad(self.fingerprints, (0, extra))
        self.category_bits = np.pad(self.category_bits, ((0, extra), (0, 0)))

    def _category_bit(self, name: str) -> int:
        bit = self.categories.get(name)
        if bit is None:
            bit = self.categories[name] = len(self.categories)
            more = bit // 64 + 1 - self.category_bits.shape[1]
            if more > 0 and self.delta is None:  # a mapped snapshot stays as it is
                self.category_bits = np.pad(self.category_bits, ((0, 0), (0, more)))
        return bit

    def add_rows(self, rows: list[dict[str, Any]]) -> int:
        """Add or replace papers from store rows (see ``store.embeddings.stream``); returns how
        many vectors went into the graph (unchanged vectors only refresh their attributes)."""
        rows = [r for r in rows if self._applied.get(r["paper_id"]) != r["embedded_at"]]
        if not rows:
            return 0
        if self.delta is not None:
            return self._add_to_delta(rows)
        with self.lock:
            self._grow(max(r["paper_id"] for r in rows))
            fresh = [
                r
                for r in rows
                if not (
                    self.present[r["paper_id"]]
                    and self.fingerprints[r["paper_id"]] == zlib.crc32(r["vector"])
                )
            ]
            if fresh:
                ids = np.array([r["paper_id"] for r in fresh], dtype=np.uint64)
                vectors = embedding_store.from_bytes([r["vector"] for r in fresh], self.dimensions)
                known = ids[self.present[ids.astype(np.int64)]]
                if len(known):
                    self.graph.remove(known)
                self.graph.add(ids, vectors, threads=self.threads)
            for row in rows:
                paper_id = row["paper_id"]
                self.present[paper_id] = True
                self.fingerprints[paper_id] = zlib.crc32(row["vector"])
                self.days[paper_id] = day_number(row["published_at"] or row["listed_on"])
                self.category_bits[paper_id] = self._bits_of(row["categories"] or [])
                self._applied[paper_id] = row["embedded_at"]
                if self.watermark is None or row["embedded_at"] > self.watermark:
                    self.watermark = row["embedded_at"]
        return len(fresh)

    def _add_to_delta(self, rows: list[dict[str, Any]]) -> int:
        """:meth:`add_rows` beside a mapped snapshot: into the delta, unless the snapshot holds
        the paper already as it is (same vector, day and categories)."""
        assert self.delta is not None
        fresh = 0
        with self.lock:
            for row in rows:
                paper_id, fingerprint = row["paper_id"], zlib.crc32(row["vector"])
                day = day_number(row["published_at"] or row["listed_on"])
                bits = self._bits_of(row["categories"] or [])
                in_snapshot = paper_id < len(self.present) and bool(self.present[paper_id])
                before = self.delta.fingerprint(paper_id)
                if before is None and in_snapshot:
                    before = int(self.fingerprints[paper_id])
                    if self._snapshot_holds(paper_id, fingerprint, day, bits):
                        before = None
                if before is not None or not in_snapshot:
                    (vector,) = embedding_store.from_bytes([row["vector"]], self.dimensions)
                    self.delta.put(
                        paper_id,
                        vector,
                        day=day,
                        bits=bits,
                        fingerprint=fingerprint,
                        in_snapshot=in_snapshot,
                    )
                    fresh += before != fingerprint
                self._applied[paper_id] = row["embedded_at"]
                if self.watermark is None or row["embedded_at"] > self.watermark:
                    self.watermark = row["embedded_at"]
        return fresh

    def _snapshot_holds(self, paper_id: int, fingerprint: int, day: int, bits: np.ndarray) -> bool:
        stored = self.category_bits[paper_id]
        return bool(
            self.fingerprints[paper_id] == fingerprint
            and self.days[paper_id] == day
            and not bits[len(stored) :].any()
            and (stored == bits[: len(stored)]).all()
        )

    def _bits_of(self, names: list[str]) -> np.ndarray:
        """The category words of a paper in ``names``' categories (new names get new bits)."""
        bits = [self._category_bit(name) for name in names]
        words = max(self.category_bits.shape[1], (len(self.categories) + 63) // 64)
        words = np.zeros(words, dtype=np.uint64)
        for bit in bits:
            words[bit // 64] |= np.uint64(1 << (bit % 64))
        return words

    def catch_up(self, db, *, sweep: bool = False) -> int:
        """Add what was embedded since the watermark (by any worker); returns rows applied."""
        found = self.changes(db, sweep=sweep)
        return self.apply(db, found) if found is not None else 0

    def changes(self, db, *, sweep: bool = False) -> Changes | None:
        """What catching up has to apply, in proportion to what is new: None after one index
        lookup when the newest embedding is one already seen (unless ``sweep``: re-check the
        overlap window for a late commit); else the keys of the window not applied yet."""
        with db.read() as conn:
            latest = embedding_store.latest(conn, self.model)
            if latest is None or (latest == self._seen and not sweep):
                return None
            since = self.watermark - OVERLAP if self.watermark else None
            keys = embedding_store.changed_since(conn, self.model, since)
        return Changes(latest, [i for i, at in keys if self._applied.get(i) != at])

    def apply(self, db, changes: Changes) -> int:
        """Fetch and add the rows ``changes`` names; returns how many went into the graph."""
        rows = []
        if changes.paper_ids:
            with db.read() as conn:
                rows = embedding_store.rows_for(conn, self.model, changes.paper_ids)
        applied = self.add_rows(rows) if rows else 0
        with self.lock:
            self._seen = changes.latest
            if self.watermark:
                horizon = self.watermark - OVERLAP
                self._applied = {k: v for k, v in self._applied.items() if v >= horizon}
        return applied

    @classmethod
    def from_store(
        cls, db, model: str, dimensions: int, *, threads: int = 0, progress=None
    ) -> VectorIndex:
        index = cls(model, dimensions, threads=threads)
        with db.read() as conn:
            for rows in embedding_store.stream(conn, model, page=20_000):
                index.add_rows(rows)
                if progress:
                    progress(len(rows))
        if index.watermark:
            horizon = index.watermark - OVERLAP
            index._applied = {k: v for k, v in index._applied.items() if v >= horizon}
        return index

    # -- filters -----------------------------------------------------------------------------

    def mask(
        self,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        categories: list[str] | None = None,
    ) -> np.ndarray | None:
        """Papers passing the filters (by paper id), or None when there is no filter."""
        if not (date_from or date_to or categories):
            return None
        with self.lock:
            filters = {
                "first_day": day_number(date_from) if date_from else None,
                "last_day": day_number(date_to) if date_to else None,
                "wanted": wanted_bits(self.categories, categories) if categories else None,
            }
            allowed = self.present & passing(self.days, self.category_bits, **filters)
            if self.delta:
                ids = self.delta.ids[: len(self.delta)]
                size = max(len(allowed), int(ids.max()) + 1)
                if size > len(allowed):
                    allowed = np.concatenate([allowed, np.zeros(size - len(allowed), dtype=bool)])
                allowed[ids] = self.delta.passing(**filters)
        return allowed

    # -- searching ---------------------------------------------------------------------------

    def search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[Hit]:
        """The ``k`` nearest papers to ``vector`` among ``allowed`` (all when None)."""
        with self.lock:
            if not self.delta:
                return self._search_graph(vector, k, allowed)
            hidden = self.delta.superseded
            if allowed is not None:
                in_snapshot = allowed[: len(self.present)] & self.present
                in_snapshot[list(hidden)] = False
                hits = self._search_graph(vector, k, in_snapshot)
            elif len(hidden) <= k:
                deeper = self._search_graph(vector, k + len(hidden))
                hits = [h for h in deeper if h.paper_id not in hidden][:k]
            else:
                visible = self.present.copy()
                visible[list(hidden)] = False
                hits = self._search_graph(vector, k, visible)
            hits += self.delta.search(vector, k, allowed)
            return sorted(hits, key=lambda h: -h.score)[:k]

    def _search_graph(
        self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> list[Hit]:
        """The ``k`` nearest papers of the snapshot's graph among ``allowed``."""
        with self.lock:
            size = len(self.graph)
            if size == 0 or k <= 0:
                return []
            if allowed is None:
                return self._graph_search(vector, min(k, size))
            candidates = np.flatnonzero(allowed)
            if len(candidates) == 0:
                return []
            if len(candidates) <= EXACT_LIMIT:
                return self._exact(vector, candidates, k)
            # Search the graph deep enough that the mask should leave k; a filter that
            # correlates badly with the query needs more, so widen up to MAX_OVERSAMPLE before
            # falling back to ranking every candidate.
            want = min(size, MAX_OVERSAMPLE, int(k * math.ceil(size / len(candidates)) * 2))
            while True:
                hits = [h for h in self._graph_search(vector, want) if allowed[h.paper_id]]
                if len(hits) >= k or want >= min(size, MAX_OVERSAMPLE):
                    break
                want = min(size, MAX_OVERSAMPLE, want * 4)
            if len(hits) >= k or want >= size or len(candidates) > 4 * EXACT_LIMIT:
                return hits[:k]
            return self._exact(vector, candidates, k)

    def _graph_search(self, vector: np.ndarray, k: int) -> list[Hit]:
        matches = self.graph.search(vector, k, threads=1)
        return [
            Hit(int(key), 1.0 - float(distance))
            for key, distance in zip(matches.keys, matches.distances, strict=True)
        ]

    def _exact(self, vector: np.ndarray, candidates: np.ndarray, k: int) -> list[Hit]:
        scores = np.empty(len(candidates), dtype=np.float32)
        for start in range(0, len(candidates), SCORED_AT_ONCE):
            chunk = candidates[start : start + SCORED_AT_ONCE]
            matrix = np.vstack(self.graph.get(chunk.astype(np.uint64))).astype(np.float32)
            scores[start : start + len(chunk)] = matrix @ vector
        top = np.argsort(-scores)[:k] if len(scores) <= k else np.argpartition(-scores, k)[:k]
        top = top[np.argsort(-scores[top])]
        return [Hit(int(candidates[i]), float(scores[i])) for i in top]

    def vector_of(self, paper_id: int) -> np.ndarray | None:
        with self.lock:
            if self.delta and paper_id in self.delta.rows:
                return self.delta.get(paper_id)
            if paper_id >= len(self.present) or not self.present[paper_id]:
                return None
            return np.asarray(self.graph.get(np.uint64(paper_id)), dtype=np.float32)

    # -- snapshots ---------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write a snapshot (a new generation, made current atomically: :mod:`.vector_snapshots`).
        A mapped index cannot: its delta is not in its graph (the index job loads ``in_memory``)."""
        if self.delta is not None:
            raise ValueError("a mapped vector index is saved by loading it in memory")
        with self.lock:
            meta = {
                "model": self.model,
                "dimensions": self.dimensions,
                "count": len(self.graph),
                "categories": self.categories,
                "watermark": self.watermark.isoformat() if self.watermark else None,
                "applied": {str(k): v.isoformat() for k, v in self._applied.items()},
            }
            arrays = {
                "days": self.days,
                "present": self.present,
                "fingerprints": self.fingerprints,
                "category_bits": self.category_bits,
            }
            self.generation = vector_snapshots.write(folder, self.graph, arrays, meta)

    @classmethod
    def load(
        cls, folder: Path, model: str, dimensions: int, *, threads: int = 0, in_memory: bool = False
    ) -> VectorIndex:
        """Open the current snapshot: mapped read-only with an empty delta, or (``in_memory``)
        read into this process to take additions into its graph and be saved again. Raises
        :class:`IndexUnreadable` saying what is wrong."""
        snapshot = vector_snapshots.read(folder, model, dimensions, mapped=not in_memory)
        index = cls(model, dimensions, threads=threads)
        index.graph = snapshot.graph
        index.graph.expansion_search = 128
        index.days = snapshot.arrays["days"]
        index.present = snapshot.arrays["present"]
        index.fingerprints = snapshot.arrays["fingerprints"]
        index.category_bits = snapshot.arrays["category_bits"]
        meta = snapshot.meta
        try:
            index.categories = {str(k): int(v) for k, v in meta["categories"].items()}
            index.watermark = (
                datetime.fromisoformat(meta["watermark"]) if meta["watermark"] else None
            )
            index._applied = {
                int(k): datetime.fromisoformat(v) for k, v in meta.get("applied", {}).items()
            }
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise IndexUnreadable(f"vector index in {folder} is unreadable: {error}") from error
        index.generation = snapshot.generation
        if not in_memory:
            index.delta = Delta(dimensions)
        return index
