"""Each process's keyword index: open the folder (or build it), then keep it current.

The index lives in ``search_index_dir/keyword``. A process opening it finds one of three cases:
it is there (open it), it is missing or damaged and the store is small (build it at once, a
second or two), or missing and the store is large (build it in a background thread and log
how long; searches meanwhile are answered by the store's full-text index, with a notice).

Keeping current costs in proportion to what changed. Each search first reads the time of the
store's latest paper change (one index lookup); when it moved past what the index holds, the
papers changed since the index's watermark are applied. Their keys are read first and only
papers not applied yet are fetched, so re-reading the overlap window (commits arrive a little
out of time order) costs a few key reads, not a re-index. A batch larger than ``INLINE`` goes
to a background thread instead of the search that noticed it. Processes sharing the folder
take turns through tantivy's writer lock; one that finds it taken just reloads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from dailypapers.db.engine import Database
from dailypapers.search.holder import IndexHolder
from dailypapers.search.textindex import IndexUnreadable, TextIndex, WriterBusy
from dailypapers.store import paper_text

log = logging.getLogger(__name__)

BUILDING = "Keyword index is being built: every word is required until it is ready."
# Stores up to this many papers are indexed at once by the search that finds no index (tantivy
# indexes about 10,000 abstracts a second); larger ones are built in the background.
BUILD_INLINE = 20_000
# Changed papers a search applies itself before answering (a few ms); more go to a thread.
INLINE = 500
# Commits reach readers a little out of time order (a batch is stamped before it commits;
# clocks of several machines differ): changes this far before the watermark are re-checked.
OVERLAP = timedelta(minutes=1)
# How often a process checks the store for changed papers: a paper stored by another worker
# is findable here within a second, and the check (one index lookup) is not paid per search.
REFRESH_SECONDS = 1.0
# How often the serve process's job looks for changed papers when no search has.
JOB_SECONDS = 10.0
# Even with no newer change, the overlap window is re-checked this often, for a late commit.
SWEEP_SECONDS = 60.0
# After finding the writer taken, leave the catching up to its holder for this long.
BUSY_PAUSE = 2.0
# How long a process waits for another to finish building the index (an hour covers the
# largest store tantivy indexes in one go on two cores) before it gives up and says so.
BUILDER_WAIT = 3600.0


def folder_of(index_dir: Path) -> Path:
    return index_dir / "keyword"


class KeywordIndex(IndexHolder[TextIndex]):
    building_notice = BUILDING

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder
        self.catching_up: threading.Thread | None = None
        self._seen: datetime | None = None  # the latest change already handled
        self._applied: dict[int, datetime] = {}  # paper id -> modified_at, within the window
        self._swept = 0.0
        self._checked = 0.0
        self._busy_until = 0.0
        self._writing = threading.Lock()

    def get(self, db: Database) -> tuple[TextIndex | None, str | None]:
        """(index ready to search, or None; notice for the reader, or None)."""
        index, notice = self._ready(db)
        if notice:
            return None, notice
        now = time.monotonic()
        if index is not None and now - self._checked >= REFRESH_SECONDS:
            self._checked = now
            self.refresh(db, index)
        return index, None

    def refresh(self, db: Database, index: TextIndex) -> None:
        """Apply what changed in the store since the index's watermark (see the module's doc)."""
        now = time.monotonic()
        with db.read() as conn:
            latest = paper_text.latest_change(conn)
        due = now - self._swept >= SWEEP_SECONDS
        if latest is None or (latest == self._seen and not due) or now < self._busy_until:
            return
        if not self._writing.acquire(blocking=False):
            return  # another thread is applying changes; search what is there meanwhile
        try:
            self._swept = now
            self._apply(db, index, latest)
        except WriterBusy:
            self._busy_until = time.monotonic() + BUSY_PAUSE
            index.reload()
        finally:
            self._writing.release()

    def _apply(self, db: Database, index: TextIndex, latest: datetime) -> None:
        watermark = index.watermark()
        since = watermark - OVERLAP if watermark else None
        with db.read() as conn:
            keys = paper_text.changed_since(conn, since)
        todo = [paper_id for paper_id, at in keys if self._applied.get(paper_id) != at]
        if len(todo) > INLINE and threading.current_thread() is not self.catching_up:
            self._in_background(db, index, latest)
            return
        newest = max([at for _, at in keys] + ([watermark] if watermark else []))
        applied = {k: v for k, v in (self._applied | dict(keys)).items() if v >= newest - OVERLAP}
        if todo:
            with db.read() as conn:
                rows = paper_text.rows_of(conn, todo)
            with index.writing() as writer:
                index.replace(writer, rows)
            index.write_meta(newest, applied)
            log.info("keyword index: applied %d changed papers", len(rows))
        self._applied = applied
        self._seen = latest

    def _in_background(self, db: Database, index: TextIndex, latest: datetime) -> None:
        if self.catching_up is not None and self.catching_up.is_alive():
            return

        def run() -> None:
            try:
                with self._writing:
                    self._apply(db, index, latest)
            except WriterBusy:
                index.reload()
            except Exception:
                log.exception("keyword index: catching up with the store failed")

        self.catching_up = threading.Thread(target=run, daemon=True, name="keyword-catch-up")
        self.catching_up.start()

    def _open(self, db: Database) -> None:
        try:
            self.index = TextIndex.open(self.folder)
            self._applied = self.index.applied()
            return
        except IndexUnreadable as error:
            problem = str(error)
        with db.read() as conn:
            papers = paper_text.count(conn)
        if papers <= BUILD_INLINE:
            try:
                self.index = build(db, self.folder, applied=self._applied)
            except WriterBusy:  # another process is building it: searches say so meanwhile
                self._in_thread(self._wait_for_builder)
            return
        log.warning("%s: building it from %d papers in the background", problem, papers)
        self._in_thread(lambda: self._build_in_background(db))

    def _in_thread(self, target: Callable[[], None]) -> None:
        self.building = threading.Thread(target=target, daemon=True, name="keyword-index-build")
        self.building.start()

    def _build_in_background(self, db: Database) -> None:
        try:
            self.index = build(db, self.folder, applied=self._applied)
        except WriterBusy:
            self._wait_for_builder()
        except Exception:
            log.exception("building the keyword index failed; run `dailypapers index`")

    def _wait_for_builder(self) -> None:
        """Open the index another process is building once it is done; the refreshes then
        apply what was stored meanwhile."""
        log.info("keyword index: another process is building it; waiting for it")
        deadline = time.monotonic() + BUILDER_WAIT
        while time.monotonic() < deadline:
            time.sleep(BUSY_PAUSE / 4)
            try:
                index = TextIndex.open(self.folder)
            except IndexUnreadable:  # being built still (or its builder died: see _open)
                continue
            self._applied = index.applied()
            self.index = index
            return
        log.error("keyword index: no other process finished building it; run `dailypapers index`")

    def wait(self, timeout: float | None = None) -> None:
        """Block until a background build or catch-up ends (commands, tests)."""
        for thread in (self.building, self.catching_up):
            if thread is not None:
                thread.join(timeout)

    def bring_up_to_date(
        self, db: Database, *, full: bool = False, progress: Callable[[int], None] | None = None
    ) -> TextIndex:
        """Build the index (``full``, or when unreadable) or catch it up with the store, all
        in this thread (``dailypapers index``)."""
        index = None
        if not full:
            try:
                index = TextIndex.open(self.folder)
            except IndexUnreadable as error:
                log.info("building the keyword index (%s)", error)
        with self._writing, self._lock:
            self._applied = index.applied() if index is not None else {}
            self._seen = None
            if index is None:
                index = build(db, self.folder, progress=progress, applied=self._applied)
            self.index = index
            with db.read() as conn:
                latest = paper_text.latest_change(conn)
            if latest is not None:
                self.catching_up = threading.current_thread()  # no hand-off to a thread
                try:
                    self._apply(db, index, latest)
                finally:
                    self.catching_up = None
        return index


def build(
    db: Database,
    folder: Path,
    progress: Callable[[int], None] | None = None,
    applied: dict[int, datetime] | None = None,
) -> TextIndex:
    """A new keyword index of every stored paper in ``folder``; ``applied`` gets the papers
    of the overlap window it indexed (so catching up does not index them again)."""
    started = time.perf_counter()
    index = TextIndex.create(folder)
    with db.read() as conn:
        latest = paper_text.latest_change(conn)  # changes after this are caught up later
        count = 0
        with index.writing() as writer:
            for rows in paper_text.stream(conn):
                count += index.replace(writer, rows, fresh=True)
                if applied is not None and latest is not None:
                    applied.update(
                        (r["id"], r["modified_at"])
                        for r in rows
                        if r["modified_at"] >= latest - OVERLAP
                    )
                if progress:
                    progress(len(rows))
    index.write_meta(latest, applied)
    log.info(
        "keyword index built: %d papers in %.1f s at %s",
        count,
        time.perf_counter() - started,
        folder,
    )
    return index


_registry: dict[tuple[str, str], KeywordIndex] = {}
_registry_lock = threading.Lock()


def for_settings(db: Database, settings) -> KeywordIndex:
    """This process's keyword index for a database and index folder."""
    folder = folder_of(settings.resolved_search_index_dir)
    key = (str(db.engine.url), str(folder))
    with _registry_lock:
        if key not in _registry:
            _registry[key] = KeywordIndex(folder)
        return _registry[key]


class KeepCurrent:
    """A job step keeping this process's keyword index current between searches: at start it
    opens or builds the index (and says so in the log), then applies what harvests and other
    workers stored, so the first search after a large harvest finds it done."""

    def __init__(self, db: Database, settings):
        self.db = db
        self.settings = settings

    def __call__(self, stop: threading.Event) -> float:
        for_settings(self.db, self.settings).get(self.db)
        return JOB_SECONDS
