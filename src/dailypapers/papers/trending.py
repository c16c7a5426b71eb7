"""The trending score: what people are reading now. Pure functions.

A paper's trending score is its upvotes discounted by the age of its feed entry::

    score = (upvotes + 1) / (age_hours + 2) ** GRAVITY        with GRAVITY = 1.5

the form Hacker News popularised. Why this one: it needs nothing but the two numbers every entry
has (including entries imported from the upstream feed, whose votes arrive as one count with no
per-vote times); a power of age decays smoothly, so a paper with 40 votes today ranks above one
with 60 votes five days ago but below one with 200; ``+ 2`` keeps a brand-new entry from dividing by
nearly zero; ``+ 1`` lets a brand-new paper with no votes yet outrank old papers with none. A
gravity of 1.5 halves a paper's score when its age goes from 1 to about 1.6 days: on a site whose
volume is ~15 papers a weekday the trending list turns over in two to four days, which matches
how the upstream trending page behaves.

Ages are measured from a reference time that is ``now`` for a live site, but never later than the
end of the newest feed day in the store (see :func:`reference_time`): an archive imported months
later still shows what was trending when it was last fed, instead of an empty or flat page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from dailypapers.papers.records import Card

GRAVITY = 1.5
AGE_OFFSET_HOURS = 2.0
TRENDING_WINDOW_DAYS = 7


def trending_score(upvotes: int, submitted_at: datetime, now: datetime) -> float:
    """The trending score of an entry with ``upvotes`` that entered the feed at ``submitted_at``."""
    age_hours = max((now - submitted_at).total_seconds() / 3600.0, 0.0)
    return (max(upvotes, 0) + 1) / (age_hours + AGE_OFFSET_HOURS) ** GRAVITY


def reference_time(now: datetime, newest_feed_day: date | None) -> datetime:
    """``now``, or the end of the newest feed day when the feed has not moved since."""
    if newest_feed_day is None:
        return now
    end_of_day = datetime.combine(newest_feed_day + timedelta(days=1), time.min, tzinfo=UTC)
    return min(now, end_of_day)


def trending_window(reference: datetime) -> tuple[date, date]:
    """Feed days considered for trending: the week ending on the reference day (inclusive)."""
    last = reference.date() if reference.time() != time.min else reference.date() - timedelta(1)
    return last - timedelta(days=TRENDING_WINDOW_DAYS - 1), last


def rank_trending(cards: Iterable[Card], now: datetime) -> list[Card]:
    """Feed cards sorted by trending score, best first.

    Each card gets its ``trending_score``; ties go to the more upvoted, then the newer entry.
    """
    scored = list(cards)
    for card in scored:
        card.trending_score = trending_score(card.upvotes, card.submitted_at, now)
    scored.sort(key=lambda c: (-c.trending_score, -c.upvotes, -c.submitted_at.timestamp()))
    return scored
