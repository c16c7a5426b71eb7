"""The papers imports named that the store lacked, fetched from arXiv in the background and
added to the collections they were imported into.

A step takes up to :data:`BATCH` due ids (claimed in the database, so several workers never
ask twice), asks arXiv for them in one request through the API client every lookup shares
(spaced by its one throttle, so imports never crowd out the harvester's or readers' lookups),
stores what arrives through the pipeline, adds each paper to its collection, and remembers an
id arXiv did not have (the lookups' ``arxiv_misses``). A failed request is tried again later,
up to :data:`ATTEMPTS` times. Safe to re-run at any time: ``python -c`` or a job."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.ingest import arxiv_api
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.library import collections
from dailypapers.papers.lookups import MISS_LIFETIME
from dailypapers.store import arxiv_misses
from dailypapers.store import library as library_store

log = logging.getLogger(__name__)

JOB = "library-fetch"  # the job's name (background.wake wakes it after an import)
# Ids per step: one arXiv API request (it takes up to 100 ids), small enough that a 5,000-entry
# import shares the spaced client with everyone else's requests between its steps.
BATCH = 50
# How long a claimed fetch is another worker's: well past one request with its retries.
CLAIM = timedelta(minutes=10)
RETRY = timedelta(minutes=15)  # after a failed request; arXiv's outages are minutes to hours
ATTEMPTS = 5
IDLE = 60.0  # seconds between looks at an empty queue


def fetch_due(db: Database, settings: Settings, *, now: datetime | None = None) -> int:
    """One batch of due fetches: how many papers were added to collections."""
    now = now or datetime.now(UTC)
    with db.write() as conn:
        claimed = [row for row in library_store.due(conn, now, BATCH)
                   if library_store.claim(conn, row, now + CLAIM)]  # fmt: skip
    if not claimed:
        return 0
    with db.read() as conn:
        stored = library_store.ids_of(conn, [row["arxiv_id"] for row in claimed])
    wanted = sorted({row["arxiv_id"] for row in claimed} - set(stored))
    if wanted:
        try:
            records = arxiv_api.fetch_by_ids(settings, wanted)
        except arxiv_api.ArxivApiError as error:
            log.warning("library fetch of %d ids failed: %s", len(wanted), error)
            _retry_later(db, claimed, now)
            return 0
        Pipeline(db).run([record for record in records if record.arxiv_id in wanted])
    return _file_arrivals(db, claimed, now)


def _retry_later(db: Database, claimed: list[dict], now: datetime) -> None:
    with db.write() as conn:
        spent = [row for row in claimed if row["attempts"] + 1 >= ATTEMPTS]
        library_store.done(conn, spent)
        for row in claimed:
            if row not in spent:
                library_store.retry_at(conn, row, now + RETRY * (row["attempts"] + 1))


def _file_arrivals(db: Database, claimed: list[dict], now: datetime) -> int:
    """Each claimed id's paper added to its collection; ids still missing remembered."""
    added = 0
    with db.write() as conn:
        stored = library_store.ids_of(conn, [row["arxiv_id"] for row in claimed])
        for row in claimed:
            paper_id = stored.get(row["arxiv_id"])
            if paper_id is None:
                arxiv_misses.record(conn, row["arxiv_id"], now)
            else:
                added += collections.add_papers(conn, row["collection_id"], [paper_id])
        arxiv_misses.delete_before(conn, now - MISS_LIFETIME)
        library_store.done(conn, claimed)
    return added


class FetchJob:
    """:func:`fetch_due` as a background step: at once again while the queue has work."""

    def __init__(self, db: Database, settings: Settings):
        self.db = db
        self.settings = settings

    def __call__(self, stop: threading.Event) -> float:
        with self.db.read() as conn:
            busy = bool(library_store.due(conn, datetime.now(UTC), 1))
        if not busy:
            return IDLE
        fetch_due(self.db, self.settings)
        return 0.0
