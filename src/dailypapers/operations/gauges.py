"""The site's shared state for ``/metrics``, read from the database when scraped: outboxes, how
long since each source last harvested, and how far the search indexes are behind the papers.

These are the same for every worker (the database holds them), so each scrape computes them
instead of each process keeping its own copy: any worker answers the same.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.operations.records import SiteGauges
from dailypapers.search import keyword_index
from dailypapers.search.textindex import IndexUnreadable, TextIndex
from dailypapers.store import harvest as harvest_store
from dailypapers.store import health as health_store
from dailypapers.store import outbox as outbox_store
from dailypapers.store import webhook_deliveries as delivery_store

WEBHOOK_WAITING = ("queued", "sending")


def site_gauges(db: Database, settings: Settings) -> SiteGauges:
    """The gauges, in one read transaction."""
    watermark = _keyword_watermark(db, settings)
    now = datetime.now(UTC)
    with db.read() as conn:
        deliveries = delivery_store.counts(conn)
        harvests = harvest_store.many(conn, list(settings.harvest_sources))
        return SiteGauges(
            mail_outbox=outbox_store.pending(conn),
            webhook_outbox=sum(deliveries.get(status, 0) for status in WEBHOOK_WAITING),
            harvest_age={
                source: _age(now, (harvests.get(source) or {}).get("last_success_at"))
                for source in settings.harvest_sources
            },
            papers_without_embedding=health_store.count_without_embedding(conn),
            papers_not_in_keyword_index=health_store.count_changed_after(conn, watermark),
        )


def _age(now: datetime, when: datetime | None) -> float | None:
    return None if when is None else max(0.0, (now - when).total_seconds())


def _keyword_watermark(db: Database, settings: Settings) -> datetime | None:
    """The newest paper change in the keyword index on disk (None: no index, nothing in it)."""
    holder = keyword_index.for_settings(db, settings)
    index = holder.index
    if index is None:
        try:
            index = TextIndex.open(holder.folder)
        except IndexUnreadable:
            return None
    return index.watermark()
