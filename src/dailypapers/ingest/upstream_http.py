"""The upstream daily feed over HTTP: ``GET {upstream_url}/api/daily_papers?date=YYYY-MM-DD``.

Each day is fetched whole (pages of 100 through ``p``, until a short page) and parsed by
:func:`dailypapers.ingest.hf_daily.parse_response`, the same parser saved files use. A day that
cannot be had (HTTP error, timeout, invalid JSON) raises :class:`DayUnavailable` naming the URL;
the harvester records it and goes on with the other days. A host that cannot be connected to at
all raises :class:`~dailypapers.ingest.http.Unreachable` instead: the source has failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from dailypapers.config import Settings
from dailypapers.ingest import hf_daily
from dailypapers.ingest.http import Fetcher, SourceError, Unreachable
from dailypapers.ingest.records import Item

SOURCE = "upstream"
PAGE_LIMIT = 100  # the upstream's largest page
MAX_PAGES = 20  # a day never holds 2,000 papers; stops a server that ignores ``p``


class DayUnavailable(SourceError):
    """One day of the feed could not be fetched; the message names its URL and why."""


def endpoint(settings: Settings) -> str:
    return f"{settings.upstream_url.rstrip('/')}/api/daily_papers"


def days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def fetch_day(settings: Settings, http: Fetcher, day: date) -> list[Item]:
    """Every entry of the feed on ``day`` as records (malformed entries as Rejections)."""
    payload: list = []
    for page in range(MAX_PAGES):
        params = {"date": day.isoformat(), "limit": str(PAGE_LIMIT)}
        if page:
            params["p"] = str(page)
        chunk = _get_json(http, endpoint(settings), params)
        payload.extend(chunk)
        if len(chunk) < PAGE_LIMIT:
            break
    origin = http.url_of(endpoint(settings), {"date": day.isoformat()})
    return list(hf_daily.parse_response(payload, day, origin))


def _get_json(http: Fetcher, url: str, params: dict[str, str]) -> list:
    full_url = http.url_of(url, params)
    try:
        response = http.get(url, params)
    except Unreachable:
        raise  # the host is down: the other days would fail the same way
    except SourceError as error:
        raise DayUnavailable(str(error)) from None
    if response.status_code != 200:
        reason = f" {response.reason_phrase}" if response.reason_phrase else ""
        raise DayUnavailable(f"{full_url}: HTTP {response.status_code}{reason}")
    try:
        payload = response.json()
    except ValueError as error:
        raise DayUnavailable(f"{full_url}: the answer is not valid JSON ({error})") from None
    if not isinstance(payload, list):
        raise DayUnavailable(
            f"{full_url}: expected a JSON list of papers, got {type(payload).__name__}"
        )
    return payload
