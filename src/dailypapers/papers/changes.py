"""Whether anything readers see has changed: the database's change counter, for caches.

A cache entry remembers the counter value it was computed at and is reused only while the
counter still has that value. The counter is read *before* the data, so an entry can only be
newer than its key, never older: a write is seen by the next request after its commit.

- SQLite: ``PRAGMA data_version`` on a private connection that never writes; it moves whenever
  any other connection, in this process or another, commits. Reading it takes no lock and does
  no I/O beyond the WAL index in shared memory (about 3 µs), so it is fine on the event loop.
- PostgreSQL: a generation row bumped by statement triggers inside every writing transaction
  on the tables pages show (migration 0002). Reading it is a network round trip, so a worker
  trusts a value for ``RECHECK_SECONDS``: a signed-out reader may see a page up to that much
  older than the newest write (signed-in readers never get cached answers).
"""

from __future__ import annotations

import threading
import time

from dailypapers.db.engine import Database
from dailypapers.store import changes as change_store

# A quarter second is below what a person notices between clicking and reading, and keeps a
# busy worker's round trips for the counter to four a second.
RECHECK_SECONDS = 0.25


class ChangeCounter:
    """The database's change counter as one process sees it."""

    def __init__(self, db: Database, *, recheck: float | None = None):
        self.db = db
        self.recheck = RECHECK_SECONDS if recheck is None else recheck
        self._lock = threading.Lock()
        self._local = change_store.DataVersion.for_engine(db.engine) if db.is_sqlite else None
        self._remote: tuple[object, float] | None = None  # (value, when it was read)
        self.usable = not db.is_sqlite or self._local is not None

    @property
    def is_cheap(self) -> bool:
        """True when :meth:`current` does no network round trip (fine on the event loop)."""
        if self._local is not None:
            return True
        remote = self._remote
        return remote is not None and time.monotonic() - remote[1] < self.recheck

    def current(self) -> object:
        if self._local is not None:
            with self._lock:
                return self._local.read()
        remote = self._remote
        if remote is not None and time.monotonic() - remote[1] < self.recheck:
            return remote[0]
        read_at = time.monotonic()  # before the read: the value is at least this fresh
        with self.db.read() as conn:
            value = change_store.site_generation(conn)
        self._remote = (value, read_at)
        return value

    def close(self) -> None:
        if self._local is not None:
            with self._lock:
                self._local.close()
