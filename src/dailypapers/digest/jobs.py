"""The two mail jobs: ``digest`` composes what is due into the outbox every minute; ``mail`` sends
the outbox (digests, confirmations, an account's verification and reset mail) whenever it is
woken (``background.wake("mail")``: a confirmation was queued, digests were composed) and
otherwise looks for due rows every ``MAIL_POLL`` seconds, so mail queued by another process is
sent within seconds too. Both are safe to re-run and to run in several processes at once
(composing is idempotent per subscription and period; sending is the worker's claim protocol).
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dailypapers import background
from dailypapers.config import Settings
from dailypapers.db import Database
from dailypapers.digest import compose as composer
from dailypapers.digest import render, schedule
from dailypapers.digest.candidates import CandidateSource, prefs_for
from dailypapers.digest.worker import Sender, SendSummary
from dailypapers.store import feeds as feed_store
from dailypapers.store import mailed_papers as mailed_store
from dailypapers.store import outbox as outbox_store
from dailypapers.store import saved_searches as search_store
from dailypapers.store import subscriptions as subscription_store
from dailypapers.watching import news as watch_news

log = logging.getLogger(__name__)

WRITE_BATCH = 200
SITE_NAME = "dailypapers"


# A digest may still be composed this long after it was due: a worker that was down for a
# night still sends the morning's mail, but one down for a day skips it rather than mail it late.
GRACE = timedelta(hours=20)
# A round a minute: a digest goes out within a minute of its hour, and an idle round costs
# two small queries.
INTERVAL = 60.0
# Seconds between two looks for mail that is due, when nothing woke the mail job: mail queued by
# another process (a second worker, an importer) leaves within this. An idle look is one probe
# of the outbox's (status, next_attempt_at) index, nothing for any database every 2 s.
MAIL_POLL = 2.0


@dataclass
class ComposeSummary:
    due: int = 0
    composed: int = 0
    empty: int = 0
    already: int = 0
    rows: list[dict] = field(default_factory=list)  # dry run: the rows that would be queued


def compose_due(
    db: Database, settings: Settings, as_of: datetime, *, persist: bool = True
) -> ComposeSummary:
    """Compose every digest due at ``as_of`` that is not in the outbox yet."""
    summary = ComposeSummary()
    grace = GRACE
    with db.read() as conn:
        due = []
        for subscription in subscription_store.active(conn):
            period = schedule.due_for(subscription, as_of, grace)
            if period is not None:
                due.append((subscription, period))
        summary.due = len(due)
        existing = outbox_store.existing(conn, {p.key for _, p in due})
        todo = [(s, p) for s, p in due if (s["id"], p.key) not in existing]
        summary.already = len(due) - len(todo)
        if not todo:
            return summary
        source = CandidateSource(conn, db, settings, as_of, [s for s, _ in todo])
        composed = []
        for subscription, period in todo:
            content = composer.compose(
                period,
                prefs_for(subscription, settings),
                source.for_subscription(subscription, period),
                site_name=SITE_NAME,
            )
            searches = [s["id"] for s in source.saved_searches_of(subscription)]
            feeds = [f.id for f in source.feed_runner.feeds_of(subscription.get("user_id"))]
            told = source.watch_runner.news_of(subscription.get("user_id")) if content else []
            composed.append((subscription, period, content, (searches, feeds, told)))
    now = datetime.now(UTC)
    for start in range(0, len(composed), WRITE_BATCH):
        chunk = composed[start : start + WRITE_BATCH]
        rows = [_row(settings, s, p, c, as_of, now) for s, p, c, _ in chunk]
        if not persist:
            summary.rows.extend(r for r in rows if r["status"] == "queued")
            summary.composed += sum(r["status"] == "queued" for r in rows)
            summary.empty += sum(r["status"] == "empty" for r in rows)
            continue
        with db.write() as conn:
            _record(conn, rows, chunk, summary, as_of)
    return summary


def _record(conn, rows: list[dict], chunk: list, summary: ComposeSummary, as_of: datetime) -> None:
    """Queue one batch of composed digests; what they show counts as mailed, the saved
    searches and feeds they looked at move their watermarks to ``as_of``, and the watched
    papers' news they told is recorded as told."""
    mailed, advanced, advanced_feeds, told = [], [], [], []
    for row, (subscription, _, content, (searches, feeds, news)) in zip(rows, chunk, strict=True):
        outbox_id = outbox_store.insert(conn, row)
        if outbox_id is None:
            summary.already += 1  # another worker composed it meanwhile
            continue
        if content is None:
            summary.empty += 1
        else:
            summary.composed += 1
            mailed += mailed_store.rows_for(
                subscription["id"], outbox_id, composer.paper_ids(content), as_of
            )
        advanced += searches
        advanced_feeds += feeds
        told += news
    mailed_store.record(conn, mailed)
    search_store.advance(conn, advanced, as_of)
    feed_store.advance_digest(conn, advanced_feeds, as_of)
    watch_news.mark_told(conn, told, as_of)


def _row(
    settings: Settings,
    subscription: dict,
    period: schedule.Period,
    content: dict | None,
    as_of: datetime,
    now: datetime,
) -> dict:
    return {
        "subscription_id": subscription["id"],
        "period": period.key,
        "kind": "digest",
        "recipient": subscription["email"],
        "message_id": render.new_message_id(settings, "digest", period.key, subscription["id"]),
        "content": content or {},
        "subject": content["subject"] if content else "",
        "status": "queued" if content else "empty",
        "attempts": 0,
        # Sent from its due time on; the Date header is when it was due, not when composed late.
        "next_attempt_at": now,
        "composed_at": max(period.due_at, min(as_of, now)),
        "updated_at": now,
    }


def send_due(
    db: Database,
    settings: Settings,
    *,
    worker_id: str | None = None,
    stop: threading.Event | None = None,
) -> SendSummary:
    return Sender(db, settings, worker_id=worker_id, stop=stop).run()


def run_once(
    db: Database,
    settings: Settings,
    *,
    as_of: datetime | None = None,
    worker_id: str | None = None,
    stop: threading.Event | None = None,
) -> tuple[ComposeSummary, SendSummary]:
    composed = compose_due(db, settings, as_of or datetime.now(UTC))
    sent = send_due(db, settings, worker_id=worker_id, stop=stop)
    return composed, sent


def compose_step(db: Database, settings: Settings, stop: threading.Event) -> float:
    """The ``digest`` job's step: compose what is due, wake the mail job if anything was, then
    ``INTERVAL``."""
    composed = compose_due(db, settings, datetime.now(UTC))
    if composed.composed:
        log.info("digests: %d composed", composed.composed)
        background.wake("mail")
    return INTERVAL


def send_step(
    db: Database, settings: Settings, stop: threading.Event, *, worker_id: str | None = None
) -> float:
    """The ``mail`` job's step: send what is due, if anything is, then ``MAIL_POLL``."""
    with db.read() as conn:
        due = outbox_store.has_due(conn, datetime.now(UTC))
    if due:
        sent = send_due(db, settings, worker_id=worker_id, stop=stop)
        if sent.sent or sent.failed or sent.retried or sent.unconfirmed:
            log.info(
                "mail: %d sent, %d to retry, %d failed, %d unconfirmed",
                sent.sent,
                sent.retried,
                sent.failed,
                sent.unconfirmed,
            )
    return MAIL_POLL


def mail_jobs(
    db: Database, settings: Settings, *, worker_id: str | None = None
) -> list[background.Job]:
    """The two jobs that carry mail, as ``serve`` and ``digest run --loop`` run them."""
    return [
        background.Job("digest", functools.partial(compose_step, db, settings)),
        background.Job("mail", functools.partial(send_step, db, settings, worker_id=worker_id)),
    ]


def write_dry_run(db: Database, settings: Settings, as_of: datetime, folder: Path) -> list[Path]:
    """Compose what is due (storing nothing) and write each message to ``folder`` as .eml."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for row in compose_due(db, settings, as_of, persist=False).rows:
        name = f"{row['period'].replace(':', '_')}_{row['subscription_id']}.eml"
        path = folder / name
        path.write_bytes(render.message_bytes(row, settings))
        written.append(path)
    return written
