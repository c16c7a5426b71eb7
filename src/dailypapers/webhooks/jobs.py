"""The ``webhooks`` job: post what is due whenever it is woken (``background.wake("webhooks")``,
when a batch was queued) and otherwise look for due deliveries every ``POLL`` seconds, so a
delivery queued by another process, or due for its retry, leaves within seconds. Safe to run in
several processes at once: sending is the sender's claim protocol."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.store import webhook_deliveries as delivery_store
from dailypapers.webhooks.sender import DeliverySummary, Sender

log = logging.getLogger(__name__)

JOB = "webhooks"
# Seconds between two looks for due deliveries: an idle look is one probe of the deliveries'
# (status, next_attempt_at) index.
POLL = 5.0


def deliver_once(
    db: Database,
    settings: Settings,
    *,
    worker_id: str | None = None,
    stop: threading.Event | None = None,
) -> DeliverySummary:
    """One round: every delivery due now is attempted once."""
    return Sender(db, settings, worker_id=worker_id, stop=stop).run()


def deliver_step(
    db: Database, settings: Settings, stop: threading.Event, *, worker_id: str | None = None
) -> float:
    """The job's step: a round if anything is due, then ``POLL``."""
    with db.read() as conn:
        due = delivery_store.has_due(conn, datetime.now(UTC))
    if due:
        done = deliver_once(db, settings, worker_id=worker_id, stop=stop)
        if done.delivered or done.retried or done.failed:
            log.info(
                "webhooks: %d delivered, %d to retry, %d failed (%d webhooks stopped)",
                done.delivered,
                done.retried,
                done.failed,
                done.stopped,
            )
    return POLL
