"""Keeping embeddings current: embed papers that lack one, as papers arrive and on demand.

Three callers share :func:`embed_pending`, which is resumable by construction (it only looks at
papers whose stored embedding is missing, of another model, or older than the paper's content):

- ``dailypapers index`` embeds everything pending with a progress bar, then writes the snapshot;
- the ingest pipeline's listener embeds small batches right after they are committed (harvests,
  submissions); large batches (bulk imports) are left for the background step or the command;
- the embed job (:class:`EmbedJob`, in ``serve`` or ``dailypapers index --loop``) takes a
  lease so that one worker embeds at a time.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

import numpy as np

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.search import embedder as embedder_module
from dailypapers.search import semantic, vector_snapshots
from dailypapers.search.vectors import VectorIndex
from dailypapers.store import embeddings as embedding_store

log = logging.getLogger(__name__)

CHUNK = 256  # papers per write transaction
INLINE_LIMIT = 200  # bigger pipeline batches wait for the background step or `dailypapers index`
LEASE = "embedder"
LEASE_TIME = timedelta(minutes=5)
# The embed job looks for papers lacking an embedding every half minute: a bulk import or
# another worker's harvest becomes semantically searchable soon after.
EMBED_INTERVAL = 30.0
# Once this many embeddings were stored since the snapshot (by anyone), the embed job writes a
# new one: every worker holds them in its delta, ranked exactly (5000 vectors: 7.5 MB and about
# a millisecond a search), and the writing reads and writes the whole index (seconds at 100k).
DELTA_LIMIT = 5000


def embed_pending(
    db: Database,
    settings: Settings,
    *,
    paper_ids: Iterable[int] | None = None,
    progress: Callable[[int], None] | None = None,
    keep_going: Callable[[], bool] = lambda: True,
) -> int:
    """Embed papers lacking a current embedding (all, or among ``paper_ids``); returns how many
    vectors were computed. Papers whose embedded text did not change are only marked current."""
    model = embedder_module.for_settings(settings)
    wanted = list(paper_ids) if paper_ids is not None else None
    computed = 0
    after = 0
    while keep_going():
        with db.read() as conn:
            rows = embedding_store.pending(
                conn, model.model_name, after_id=after, limit=CHUNK, paper_ids=wanted
            )
        if not rows:
            break
        after = rows[-1]["id"]
        fresh, unchanged = [], []
        for row in rows:
            text = embedder_module.paper_text(row["title"], row["abstract"])
            digest = embedder_module.text_hash(text)
            entry = {
                "paper_id": row["id"],
                "content_hash": row["content_hash"],
                "text_hash": digest,
                "model": model.model_name,
                "text": text,
            }
            if row["stored_model"] == model.model_name and row["stored_text_hash"] == digest:
                unchanged.append(entry)
            else:
                fresh.append(entry)
        vectors = model.embed_texts([e["text"] for e in fresh], embedder_module.BATCH_SIZE)
        with db.write() as conn:
            embedding_store.save(
                conn,
                [
                    {k: v for k, v in e.items() if k != "text"}
                    | {"vector": embedding_store.to_bytes(vector)}
                    for e, vector in zip(fresh, vectors, strict=True)
                ],
            )
            embedding_store.touch(conn, unchanged)
        computed += len(fresh)
        if progress:
            progress(len(rows))
    loaded = semantic.loaded(db, settings)
    if loaded is not None and loaded.index is not None:
        loaded.index.catch_up(db)
    return computed


def listener(settings: Settings) -> Callable[[Database, list[int]], None]:
    """A pipeline listener embedding the papers of each committed batch (small batches only,
    and only once the model is built)."""

    def on_batch(db: Database, changed: list[int]) -> None:
        # Building the model (first use) takes a while and much memory: an import never does
        # it; `dailypapers index` or the background step will.
        if len(changed) > INLINE_LIMIT or not embedder_module.is_ready(settings):
            log.debug("%d changed papers left for the background embedder", len(changed))
            return
        try:
            embed_pending(db, settings, paper_ids=changed)
        except Exception:
            log.exception(
                "embedding %d new papers failed; `dailypapers index` will retry", len(changed)
            )

    return on_batch


def pending_count(db: Database) -> int:
    with db.read() as conn:
        return embedding_store.count_pending(conn, embedder_module.MODEL_NAME)


def write_snapshot(
    db: Database,
    settings: Settings,
    *,
    full: bool = False,
    progress: Callable[[int], None] | None = None,
) -> VectorIndex:
    """Bring the snapshot under ``search_index_dir`` up to date with the store and save it as a
    new generation; returns it as workers open it (mapped), which this process then searches.

    Without ``full`` an existing valid snapshot is read into memory and caught up (fast); with
    it, or when the snapshot is unreadable, the index is rebuilt from every stored embedding.
    """
    folder = settings.resolved_search_index_dir
    model = (embedder_module.MODEL_NAME, embedder_module.DIMENSIONS)
    threads = embedder_module.THREADS
    index = None
    if not full:
        try:
            index = VectorIndex.load(folder, *model, threads=threads, in_memory=True)
            index.catch_up(db)
        except Exception as error:
            log.info("rebuilding the vector index from the store (%s)", error)
            index = None
    if index is None:
        index = VectorIndex.from_store(db, *model, threads=threads, progress=progress)
    index.save(folder)
    del index  # the graph read into memory: the mapped snapshot replaces it
    shared = VectorIndex.load(folder, *model, threads=threads)
    semantic.for_settings(db, settings).replace(shared)
    return shared


def snapshot_lag(db: Database, settings: Settings) -> int:
    """Embeddings stored since the current snapshot was written: what every worker's delta
    holds (all of them when there is no snapshot)."""
    since = vector_snapshots.watermark(settings.resolved_search_index_dir)
    with db.read() as conn:
        return embedding_store.count_since(conn, embedder_module.MODEL_NAME, since)


class EmbedJob:
    """The embed job's step: embed what is pending under a lease (one worker at a time), and
    write the snapshot again, still under it, once :data:`DELTA_LIMIT` new embeddings piled up
    since the last one (embedded here, elsewhere or imported)."""

    def __init__(self, db: Database, settings: Settings):
        self.db = db
        self.settings = settings
        self.owner = f"{socket.gethostname()}:{os.getpid()}"

    def __call__(self, stop: threading.Event) -> float:
        now = datetime.now(UTC)
        with self.db.write() as conn:
            if not embedding_store.try_lease(conn, LEASE, self.owner, now + LEASE_TIME, now):
                return EMBED_INTERVAL
        try:
            computed = embed_pending(self.db, self.settings, keep_going=lambda: self._renew(stop))
            if computed:
                log.info("embedded %d papers", computed)
            if snapshot_lag(self.db, self.settings) >= DELTA_LIMIT:
                write_snapshot(self.db, self.settings)
        finally:
            with self.db.write() as conn:
                embedding_store.release(conn, LEASE, self.owner, datetime.now(UTC))
        return EMBED_INTERVAL

    def _renew(self, stop: threading.Event) -> bool:
        if stop.is_set():
            return False
        moment = datetime.now(UTC)
        with self.db.write() as conn:
            return embedding_store.try_lease(conn, LEASE, self.owner, moment + LEASE_TIME, moment)


def embeddings_for(db: Database, paper_ids: Iterable[int]) -> tuple[list[int], np.ndarray]:
    """(ids that have one, float32 matrix in that order) from the store."""
    wanted = list(paper_ids)
    with db.read() as conn:
        found = embedding_store.vectors_for(conn, wanted, embedder_module.MODEL_NAME)
    ids = [i for i in wanted if i in found]
    return ids, embedding_store.from_bytes([found[i] for i in ids], embedder_module.DIMENSIONS)
