"""The ``webhooks`` job: queue each webhook's new papers every ``BATCHING`` seconds
(:mod:`.batching`), post what is due whenever it is woken (``background.wake("webhooks")``,
when a batch was queued) and otherwise look for due deliveries every ``POLL`` seconds, so a
delivery queued by another process, or due for its retry, leaves within seconds. Safe to run in
several processes at once: batching moves each webhook's mark conditionally, sending is the
sender's claim protocol."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.store import webhook_deliveries as delivery_store
from dailypapers.webhooks import batching
from dailypapers.webhooks.outbox import JOB
from dailypapers.webhooks.sender import DeliverySummary, Sender

log = logging.getLogger(__name__)

__all__ = ["JOB", "POLL", "Deliverer", "deliver_once"]

# Seconds between two looks for due deliveries: an idle look is one probe of the deliveries'
# (status, next_attempt_at) index.
POLL = 5.0
# Seconds between two rounds of batching: a query per webhook's feed, so not every look; with
# batching's settling time a paper is posted within a minute of being stored.
BATCHING = 30.0


def deliver_once(
    db: Database,
    settings: Settings,
    *,
    worker_id: str | None = None,
    stop: threading.Event | None = None,
) -> DeliverySummary:
    """One round: each webhook's new papers queued, then every delivery due attempted once."""
    _batch(db, settings)
    return Sender(db, settings, worker_id=worker_id, stop=stop).run()


def _batch(db: Database, settings: Settings) -> None:
    queued = batching.queue_new(db, settings, datetime.now(UTC))
    if queued:
        log.info("webhooks: %d batches of new papers queued", queued)


class Deliverer:
    """The job: :meth:`step` batches every ``BATCHING`` seconds and sends what is due."""

    def __init__(self, db: Database, settings: Settings, *, worker_id: str | None = None):
        self.db, self.settings, self.worker_id = db, settings, worker_id
        self._batched = float("-inf")

    def step(self, stop: threading.Event) -> float:
        if time.monotonic() - self._batched >= BATCHING:
            self._batched = time.monotonic()
            _batch(self.db, self.settings)
        _send_due(self.db, self.settings, stop, self.worker_id)
        return POLL


def _send_due(
    db: Database, settings: Settings, stop: threading.Event, worker_id: str | None
) -> None:
    with db.read() as conn:
        due = delivery_store.has_due(conn, datetime.now(UTC))
    if due:
        done = Sender(db, settings, worker_id=worker_id, stop=stop).run()
        if done.delivered or done.retried or done.failed:
            log.info(
                "webhooks: %d delivered, %d to retry, %d failed (%d webhooks stopped)",
                done.delivered,
                done.retried,
                done.failed,
                done.stopped,
            )
