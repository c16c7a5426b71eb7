"""When a digest is due and what it covers: pure functions of a subscription's preferences.

- daily: every weekday (Mon-Fri) at ``send_hour`` in the reader's time zone; it covers the feed days
  since the previous weekday's digest, so Monday's covers Friday, Saturday and Sunday;
- weekly: on ``weekly_day`` at ``send_hour``; it covers the seven feed days before.

Feed days are the feed's own (UTC) dates; a period covers the days ``[start_day, end_day)``, the
last one being the day before the digest's local date, which is complete when the mail goes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

FREQUENCIES = ("daily", "weekly")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TRENDING_DAYS = 7


@dataclass(frozen=True)
class Period:
    frequency: str
    key: str  # unique per subscription: "daily:2026-03-03", "weekly:2026-W10"
    local_date: date  # the reader's date the digest is for
    due_at: datetime  # UTC
    start_day: date  # feed days covered: [start_day, end_day)
    end_day: date

    @property
    def trending_start(self) -> date:
        return self.end_day - timedelta(days=TRENDING_DAYS)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def is_timezone(name: str) -> bool:
    return name in _ZONES


def timezones() -> list[str]:
    """Every IANA time zone name this machine knows, sorted (for the preferences forms)."""
    return _SORTED_ZONES


_ZONES = frozenset(available_timezones()) | {"UTC"}
_SORTED_ZONES = sorted(_ZONES)


def latest_due(
    frequency: str, timezone: str, send_hour: int, weekly_day: int, as_of: datetime
) -> Period:
    """The most recent period whose digest was due at or before ``as_of``."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")
    tz = zone(timezone)
    local = as_of.astimezone(tz)
    day = local.date()
    if local.time() < time(send_hour):
        day -= timedelta(days=1)
    if frequency == "daily":
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        previous = day - timedelta(days=1)
        while previous.weekday() >= 5:
            previous -= timedelta(days=1)
        iso = day.isoformat()
        key = f"daily:{iso}"
    else:
        day -= timedelta(days=(day.weekday() - weekly_day) % 7)
        previous = day - timedelta(days=7)
        year, week, _ = day.isocalendar()
        key = f"weekly:{year}-W{week:02d}"
    due_at = datetime.combine(day, time(send_hour), tzinfo=tz).astimezone(UTC)
    return Period(
        frequency=frequency, key=key, local_date=day, due_at=due_at, start_day=previous, end_day=day
    )


def due_for(subscription: dict, as_of: datetime, grace: timedelta) -> Period | None:
    """The period to compose now for this subscription, or None: its latest due period, if that
    came after the address was confirmed and is not older than ``grace`` (a worker that was down
    for days does not send stale digests)."""
    period = latest_due(
        subscription["frequency"],
        subscription["timezone"],
        subscription["send_hour"],
        subscription["weekly_day"],
        as_of,
    )
    confirmed = subscription.get("confirmed_at")
    if confirmed is None or confirmed > period.due_at:
        return None
    if as_of - period.due_at > grace:
        return None
    return period
