"""Looking a paper up on arXiv for someone: "index this arXiv id", and "submit" of a paper the
store lacks.

arXiv allows one request every three seconds, and this process spaces every request it sends
(the harvester's included) through one throttle, so one person's lookups delay everyone's. Three
rules keep a person (with an API token and a loop, say) from holding it:

- an id arXiv did not have is remembered for ``MISS_LIFETIME`` (the ``arxiv_misses`` table), and
  asking for it again within that time is answered from there, costing no request;
- lookups that find nothing count against ``MISSES`` per person (a mistyped id now and then is
  nothing; a scan of made-up ids soon stops);
- a person has one lookup under way at a time: the claim is a ``LOOKUP_CLAIM`` event in the
  database (so every worker process sees it), given back when the lookup ends, or lapsing after
  ``LOOKUP_CLAIM.window`` if its worker died. A second lookup meanwhile is refused at once.

Lookups without a person (``user_id=None``: commands, jobs) skip the last two rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta

from dailypapers import arxiv_ids
from dailypapers.accounts import quotas
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.ingest import arxiv_api
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.papers.catalog import card
from dailypapers.papers.records import Card
from dailypapers.store import arxiv_misses
from dailypapers.store import papers as paper_store

# New ids appear on arXiv once a day (the announcement): a miss older than a day may have become
# a paper, a younger one is very likely still missing.
MISS_LIFETIME = timedelta(days=1)
# Ten failed lookups an hour cover any honest typing; past them a person waits, and arXiv sees at
# most ten wasted requests (30 s of the shared spacing) per person an hour.
MISSES = quotas.Quota("arxiv_miss", 10, timedelta(hours=1), "lookups of papers arXiv does not have")
# The longest a lookup may take: the spacing queue, four retries with their backoff and a
# timeout each stay well within five minutes. A claim older than that belongs to a dead worker.
LOOKUP_CLAIM = quotas.Quota("arxiv_lookup", 1, timedelta(minutes=5), "arXiv lookups at once")
# What a person refused for a lookup under way is told to wait: one lookup takes a few seconds.
UNDER_WAY_RETRY_AFTER = 5


class NotOnArxiv(LookupError):
    """arXiv has no paper with this id."""


class ArxivUnavailable(RuntimeError):
    """arXiv could not be asked just now (it refused, timed out or is down)."""


class LookupRefused(Exception):
    """A lookup refused before arXiv was asked; the message is fit to show the person, and
    ``retry_after`` is the whole seconds after which asking again may work."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class LookupUnderWay(LookupRefused):
    """The same person already has a lookup under way."""


class TooManyMisses(LookupRefused):
    """The person's failed lookups (``MISSES``) are used up for now."""


def index(
    db: Database,
    settings: Settings,
    arxiv_id: str,
    *,
    user_id: int | None,
    pipeline: Pipeline | None = None,
    now: datetime | None = None,
) -> Card:
    """Fetch a paper's metadata from the arXiv API into the store (new or refreshed), asked by
    ``user_id``; returns its card. Raises InvalidArxivId, NotOnArxiv, ArxivUnavailable or a
    LookupRefused. ``pipeline``: the one whose listeners (the search index) must see it."""
    key = arxiv_ids.normalise(arxiv_id)
    now = now or datetime.now(UTC)
    if _known_missing(db, key, now):
        raise NotOnArxiv(key)
    with _lookup_by(db, user_id, now):
        try:
            records = arxiv_api.fetch_by_ids(settings, [key])
        except arxiv_api.ArxivApiError as error:
            raise ArxivUnavailable(str(error)) from error
        records = [r for r in records if r.arxiv_id == key]
        if not records:
            _note_miss(db, key, user_id, now)
            raise NotOnArxiv(key)
        (pipeline or Pipeline(db)).run(records)
    found = card(db, key)
    if found is None:  # the pipeline rejected arXiv's record (logged there)
        raise NotOnArxiv(key)
    return found


def _known_missing(db: Database, key: str, now: datetime) -> bool:
    """A recent miss of a paper the store still lacks (one stored since is no longer missing)."""
    with db.read() as conn:
        if not arxiv_misses.checked_since(conn, key, now - MISS_LIFETIME):
            return False
        return paper_store.id_of(conn, key) is None


@contextmanager
def _lookup_by(db: Database, user_id: int | None, now: datetime) -> Iterator[None]:
    """Hold ``user_id``'s one lookup claim while the body asks arXiv, refusing at once when the
    claim is taken or the person's misses are used up. No transaction stays open meanwhile."""
    if user_id is None:
        yield
        return
    person = str(user_id)
    with db.write() as conn:
        if quotas.remaining(conn, MISSES, person, now) == 0:
            # None remain; with the same ``now`` take counts the same misses (or more, never
            # fewer), so it refuses, saying how long until one is free again.
            try:
                quotas.take(conn, MISSES, person, now)
            except quotas.Exceeded as error:
                raise TooManyMisses(str(error), error.retry_after) from None
        try:
            quotas.take(conn, LOOKUP_CLAIM, person, now)
        except quotas.Exceeded:
            raise LookupUnderWay(
                "Your previous lookup on arXiv is still under way: wait for it to finish, then "
                "try again.",
                UNDER_WAY_RETRY_AFTER,
            ) from None
    try:
        yield
    finally:
        with db.write() as conn:
            quotas.forget(conn, LOOKUP_CLAIM, person)


def _note_miss(db: Database, key: str, user_id: int | None, now: datetime) -> None:
    """Remember that arXiv lacks ``key`` and count the miss against the person who asked."""
    with db.write() as conn:
        arxiv_misses.record(conn, key, now)
        arxiv_misses.delete_before(conn, now - MISS_LIFETIME)
        if user_id is not None:
            # Exceeded only when the claim lapsed and another lookup used the last miss: the
            # miss is remembered all the same, and the next lookup is refused.
            with suppress(quotas.Exceeded):
                quotas.take(conn, MISSES, str(user_id), now)
