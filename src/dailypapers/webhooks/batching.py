"""What each active webhook is sent: its feed's papers stored since the webhook's
``papers_since``, as one batch (split into messages by its format) queued in the transaction
that moves ``papers_since``, so a batch is queued once however many processes batch at once.

Papers stored in the last :data:`SETTLE` are left for the next round: a paper is stamped when
its batch is written and becomes visible when that batch commits, so a round that moved
``papers_since`` up to the present could pass over a paper stamped before it and committed
after it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.feeds import matching
from dailypapers.feeds import service as feeds
from dailypapers.feeds.records import Feed
from dailypapers.store import webhooks as webhook_store
from dailypapers.webhooks import outbox
from dailypapers.webhooks.records import Batch, Webhook

log = logging.getLogger(__name__)

# Papers a batch carries at most, newest first: a busy day of a broad feed; the receiver's
# message links the feed's page for the rest.
BATCH_PAPERS = 50
# An import writes and commits a batch of papers within seconds; twenty is ample, and keeps
# "delivered within a minute of the papers" with a round every thirty seconds.
SETTLE = timedelta(seconds=20)


def queue_new(db: Database, settings: Settings, now: datetime) -> int:
    """One round: queue each active webhook's new papers; returns the batches queued."""
    until = now - SETTLE
    with db.read() as conn:
        rows = webhook_store.active(conn)
    queued = 0
    for row in rows:
        webhook, since = Webhook.from_row(row), row["papers_since"]
        feed = feeds.for_reader(db, webhook.feed_id, webhook.user_id)
        if feed is None or since >= until:
            continue
        try:
            queued += _queue(db, settings, webhook, feed, since, until, now)
        except Exception:  # one feed's failing query must not hold back the others
            log.exception("webhook %s: batching feed %s failed", webhook.id, feed.id)
    return queued


def _queue(
    db: Database,
    settings: Settings,
    webhook: Webhook,
    feed: Feed,
    since: datetime,
    until: datetime,
    now: datetime,
) -> int:
    found = matching.new_papers_of(db, settings, feed, since, limit=BATCH_PAPERS + 50)
    papers = [card for card in found if card.created_at <= until][:BATCH_PAPERS]
    batch = Batch(feed.name, settings.base_url.rstrip("/") + feed.path, papers, now)
    return 1 if outbox.enqueue_moving(db, settings, webhook.id, batch, now, since, until) else 0
