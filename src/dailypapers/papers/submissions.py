"""Submitting a paper to today's feed: what the site's form and the API's endpoint both call.

A signed-in user pastes an arXiv id or URL (abs, pdf, versioned, old-style). The paper's metadata
comes from the store or, when it is not there yet, from the arXiv API through the ingest pipeline
(so it is validated and merged like any other record). The paper then enters today's feed (UTC)
once: a paper already in the feed, on any day, is refused with the day it was featured. Each user
may submit ``settings.submissions_per_day`` papers per UTC day.

Every refusal is a :class:`SubmissionError` whose message is fit to show the person who typed it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from dailypapers import arxiv_ids
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.papers import lookups
from dailypapers.store import feed as feed_store
from dailypapers.store import papers as paper_store
from dailypapers.store import users as user_store

log = logging.getLogger(__name__)


class SubmissionError(ValueError):
    """A refused submission; ``code`` says why (invalid, not_found, duplicate, limit, upstream,
    lookup: the arXiv lookup was refused, see :mod:`.lookups`, ``retry_after`` seconds)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        arxiv_id: str | None = None,
        feed_day: date | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.arxiv_id = arxiv_id
        self.feed_day = feed_day
        self.retry_after = retry_after


@dataclass
class Submission:
    arxiv_id: str
    paper_id: int
    feed_day: date
    fetched: bool  # the metadata came from the arXiv API just now


def submit(
    db: Database,
    settings: Settings,
    user_id: int,
    text: str,
    *,
    now: datetime | None = None,
    pipeline: Pipeline | None = None,
) -> Submission:
    """Put the paper ``text`` names into today's feed, submitted by ``user_id``.

    ``pipeline`` is the ingest pipeline new papers go through (pass the app's, with its search
    listeners); a plain one is used otherwise.
    """
    now = now or datetime.now(UTC)
    today = now.date()
    try:
        arxiv_id = arxiv_ids.normalise(text or "")
    except arxiv_ids.InvalidArxivId as error:
        raise SubmissionError("invalid", _sentence(str(error))) from None

    with db.read() as conn:
        _check_limit(conn, settings, user_id, today)
        paper = paper_store.get(conn, arxiv_id)
        if paper is not None:
            _check_not_in_feed(conn, paper["id"], arxiv_id)

    fetched = False
    if paper is None:
        _fetch_into_store(db, settings, user_id, arxiv_id, pipeline)
        fetched = True

    paper_id = _enter_feed(db, settings, user_id, arxiv_id, now)
    return Submission(arxiv_id, paper_id, today, fetched)


def _enter_feed(
    db: Database, settings: Settings, user_id: int, arxiv_id: str, now: datetime
) -> int:
    """Add the stored paper to today's feed, checking the limit and the feed again inside the
    write (two submissions at once); returns the paper's id."""
    today = now.date()
    entry = {
        "feed_day": today,
        "submitted_at": now,
        "submitter_id": user_id,
        "upstream_upvotes": 0,
        "upstream_comments": 0,
        "source": "local",
    }
    try:
        with db.write() as conn:
            # Lock the submitter's row (PostgreSQL) so two submissions at once cannot both pass
            # the daily limit; SQLite's write transaction is already exclusive.
            user_store.lock(conn, user_id)
            _check_limit(conn, settings, user_id, today)
            paper = paper_store.get(conn, arxiv_id)
            if paper is None:  # deleted between the fetch and now; vanishingly rare
                raise SubmissionError(
                    "not_found", f"arXiv has no paper {arxiv_id}.", arxiv_id=arxiv_id
                )
            _check_not_in_feed(conn, paper["id"], arxiv_id)
            feed_store.insert_many(conn, [{"paper_id": paper["id"], **entry}])
    except IntegrityError:  # someone submitted the same paper at the same instant
        raise SubmissionError(
            "duplicate",
            f"{arxiv_id} is already in today's feed.",
            arxiv_id=arxiv_id,
            feed_day=today,
        ) from None
    return paper["id"]


def remaining_today(db: Database, settings: Settings, user_id: int, today: date) -> int:
    """How many more papers the user may submit on ``today`` (UTC)."""
    with db.read() as conn:
        used = feed_store.submitted_on(conn, user_id, today)
    return max(settings.submissions_per_day - used, 0)


def _check_limit(conn: Connection, settings: Settings, user_id: int, today: date) -> None:
    limit = settings.submissions_per_day
    if feed_store.submitted_on(conn, user_id, today) >= limit:
        raise SubmissionError(
            "limit",
            f"You have submitted {limit} paper{'s' if limit != 1 else ''} today, the daily "
            "limit. Come back tomorrow (UTC).",
        )


def _check_not_in_feed(conn: Connection, paper_id: int, arxiv_id: str) -> None:
    entries = feed_store.entries_of_paper(conn, paper_id)
    if entries:
        day = entries[0]["feed_day"]
        raise SubmissionError(
            "duplicate",
            f"{arxiv_id} is already in the feed: it was featured on {day.isoformat()}.",
            arxiv_id=arxiv_id,
            feed_day=day,
        )


def _fetch_into_store(
    db: Database, settings: Settings, user_id: int, arxiv_id: str, pipeline: Pipeline | None
) -> None:
    """Bring a paper the store lacks in from the arXiv API (the same path as the API's index),
    under the lookup rules of :mod:`.lookups`."""
    try:
        lookups.index(db, settings, arxiv_id, user_id=user_id, pipeline=pipeline)
    except lookups.ArxivUnavailable as error:
        log.warning("submit %s: arXiv API failed: %s", arxiv_id, error)
        raise SubmissionError(
            "upstream",
            f"arXiv could not be asked about {arxiv_id} just now ({error}). Try again in a minute.",
            arxiv_id=arxiv_id,
        ) from None
    except lookups.NotOnArxiv:
        raise SubmissionError(
            "not_found", f"arXiv has no paper {arxiv_id}.", arxiv_id=arxiv_id
        ) from None
    except lookups.LookupRefused as error:
        raise SubmissionError(
            "lookup", str(error), arxiv_id=arxiv_id, retry_after=error.retry_after
        ) from None


def _sentence(message: str) -> str:
    message = message[0].upper() + message[1:] if message else message
    return message if message.endswith(".") else message + "."
