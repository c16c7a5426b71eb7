"""Each process's semantic index: load a snapshot or rebuild from the store, then keep current.

Web workers are stateless: each one finds its vector index here. The first search maps the
snapshot under ``search_index_dir``; when there is none (or it is damaged) the process logs how to
rebuild it (``dailypapers index``) and rebuilds from the stored embeddings in a background thread,
so searches meanwhile get keyword results with a notice. Afterwards the index catches up with the
store at most every ``search_refresh_interval`` seconds (embeddings written by other workers, the
background embedder or an import), and switches to a newer snapshot when the embed job wrote one.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from dailypapers.db.engine import Database
from dailypapers.search import vector_snapshots
from dailypapers.search.embedder import DIMENSIONS, MODEL_NAME, THREADS
from dailypapers.search.holder import IndexHolder
from dailypapers.search.vectors import IndexUnreadable, VectorIndex
from dailypapers.store import embeddings as embedding_store

log = logging.getLogger(__name__)

REBUILD_HINT = "run `dailypapers index` to rebuild it"
MISSING = "Semantic index missing: showing keyword results."
BUILDING = "Semantic index is being rebuilt: showing keyword results for now."
# How often a worker's index catches up with embeddings stored by others: papers embedded
# elsewhere become findable here within ten seconds.
REFRESH_SECONDS = 10.0
# The overlap window is re-checked this often even when nothing newer arrived (a late commit).
SWEEP_SECONDS = 60.0
# New embeddings a search applies itself (a few ms); more are applied by a thread.
INLINE = 200


class SemanticIndex(IndexHolder[VectorIndex]):
    building_notice = BUILDING

    def __init__(self, folder: Path, *, threads: int = 0, refresh_interval: float = 10.0):
        super().__init__()
        self.folder = folder
        self.threads = threads
        self.refresh_interval = refresh_interval
        self.problem: str | None = None
        self._last_refresh = 0.0
        self._last_sweep = time.monotonic()
        self._catching_up = threading.Lock()

    def get(self, db: Database) -> tuple[VectorIndex | None, str | None]:
        """(index ready to search, or None; notice for the reader, or None)."""
        index, notice = self._ready(db)
        if notice:
            return None, notice
        if index is None:
            return None, MISSING
        now = time.monotonic()
        # One thread catches up at a time; the others search what is there meanwhile.
        if now - self._last_refresh >= self.refresh_interval and self._catching_up.acquire(
            blocking=False
        ):
            self._last_refresh = now
            index = self._newest_snapshot(db, index)
            self._catch_up(db, index, sweep=now - self._last_sweep >= SWEEP_SECONDS)
        if len(index) == 0:
            return index, MISSING
        return index, None

    def _newest_snapshot(self, db: Database, index: VectorIndex) -> VectorIndex:
        """The snapshot the index job wrote since ``index`` was opened, mapped and caught up
        (new since it: a few papers), in its place; else ``index``."""
        if vector_snapshots.current(self.folder) in (None, index.generation):
            return index
        try:
            newer = VectorIndex.load(self.folder, MODEL_NAME, DIMENSIONS, threads=self.threads)
            newer.catch_up(db)
        except Exception:
            log.exception("could not open the newer vector index snapshot; keeping this one")
            return index
        self.replace(newer)
        return newer

    def _catch_up(self, db: Database, index: VectorIndex, *, sweep: bool) -> None:
        """Apply new embeddings: a few at once, many (and every sweep) in a thread of their
        own, so no search waits more than a few ms for them. Called holding ``_catching_up``."""

        def run(changes) -> None:
            try:
                changes = changes or index.changes(db, sweep=True)
                if changes is not None:
                    index.apply(db, changes)
            except Exception:
                log.exception("could not catch up the vector index with the store")
            finally:
                self._catching_up.release()

        changes = None
        if not sweep:
            try:
                changes = index.changes(db)
            except Exception:
                log.exception("could not catch up the vector index with the store")
            if changes is None:
                self._catching_up.release()
                return
            if len(changes.paper_ids) <= INLINE:
                run(changes)
                return
        else:
            self._last_sweep = time.monotonic()
        thread = threading.Thread(target=run, args=(changes,), daemon=True, name="vectors-catch-up")
        thread.start()

    def _open(self, db: Database) -> None:
        try:
            self.index = VectorIndex.load(self.folder, MODEL_NAME, DIMENSIONS, threads=self.threads)
            return
        except IndexUnreadable as error:
            self.problem = str(error)
        with db.read() as conn:
            stored = embedding_store.count(conn, MODEL_NAME)
        if stored == 0:
            log.warning(
                "%s and no paper has an embedding yet: semantic search is off; %s",
                self.problem,
                REBUILD_HINT,
            )
            self.index = VectorIndex(MODEL_NAME, DIMENSIONS, threads=self.threads)
            return
        log.warning(
            "%s: rebuilding it from %d stored embeddings in the background; %s",
            self.problem,
            stored,
            REBUILD_HINT,
        )
        self.building = threading.Thread(
            target=self._rebuild, args=(db,), daemon=True, name="vector-index-rebuild"
        )
        self.building.start()

    def _rebuild(self, db: Database) -> None:
        try:
            index = VectorIndex.from_store(db, MODEL_NAME, DIMENSIONS, threads=self.threads)
            try:
                index.save(self.folder)
                # Mapped, as every worker opens it: the memory of the build is given back.
                index = VectorIndex.load(self.folder, MODEL_NAME, DIMENSIONS, threads=self.threads)
            except (OSError, IndexUnreadable) as error:
                log.warning("could not save the vector index snapshot: %s", error)
            self.index = index
            log.info("vector index rebuilt from the store: %d papers", len(index))
        except Exception:
            log.exception("rebuilding the vector index failed; %s", REBUILD_HINT)

    def wait(self, timeout: float | None = None) -> None:
        """Block until a background rebuild ends (tests, commands)."""
        building = self.building
        if building is not None:
            building.join(timeout)

    def replace(self, index: VectorIndex) -> None:
        with self._lock:
            self.index = index
            self._last_refresh = time.monotonic()


_registry: dict[tuple[str, str], SemanticIndex] = {}
_registry_lock = threading.Lock()


def for_settings(db: Database, settings) -> SemanticIndex:
    """This process's semantic index for a database and index folder."""
    key = (str(db.engine.url), str(settings.resolved_search_index_dir))
    with _registry_lock:
        if key not in _registry:
            _registry[key] = SemanticIndex(
                settings.resolved_search_index_dir,
                threads=THREADS,
                refresh_interval=REFRESH_SECONDS,
            )
        return _registry[key]


def loaded(db: Database, settings) -> SemanticIndex | None:
    key = (str(db.engine.url), str(settings.resolved_search_index_dir))
    return _registry.get(key)
