"""What every source yields, and the validation that turns raw values into clean records.

Sources are pure parsers: they read bytes and yield :class:`PaperRecord`, :class:`FeedRecord` or
:class:`Rejection` items, never touching the store. Each record carries ``origin`` (file and
record number, or URL) so a rejection can name exactly what was wrong where.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from operator import attrgetter
from typing import Any

import orjson

from dailypapers import arxiv_ids, days

MAX_TITLE = 1_000
MAX_ABSTRACT = 20_000
MAX_AUTHORS = 5_000
# The largest count (votes, comments, GitHub stars) or version a record may carry: the store's
# Integer columns are 32-bit on PostgreSQL, and a value beyond would fail the whole batch there.
MAX_COUNT = 2**31 - 1
# The years a paper's times may fall in: arXiv opened in 1991; later than 2200 is a typo.
FIRST_PAPER_YEAR, LAST_PAPER_YEAR = 1990, 2200

_SPACE = re.compile(r"\s+")


class InvalidRecord(ValueError):
    """A record that cannot be stored; the message says which field and why."""


@dataclass(slots=True, kw_only=True)
class PaperMetadata:
    """What a paper may carry besides its id, text and categories: the same fields whether a
    source yields them (:class:`PaperRecord`) or the store hands them back (the papers package's
    ``Card``). Keyword-only, so the records built on it keep their own fields first."""

    version: int | None = None
    comment: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    abs_url: str | None = None
    pdf_url: str | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] | None = None
    organization: dict[str, Any] | None = None
    media_urls: list[str] | None = None
    discussion_id: str | None = None
    listed_on: date | None = None


@dataclass(slots=True)
class PaperRecord(PaperMetadata):
    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    categories: list[str] = field(default_factory=list)
    source: str = "unknown"
    origin: str = ""


@dataclass(slots=True)
class UserRef:
    """A user named by an outside source (the upstream feed's submitter)."""

    username: str
    fullname: str = ""
    avatar_url: str | None = None
    upstream_id: str | None = None


@dataclass(slots=True)
class FeedRecord:
    """A paper entering the daily feed on ``feed_day``, with the upstream's vote count."""

    paper: PaperRecord
    feed_day: date
    submitted_at: datetime
    submitter: UserRef | None = None
    upvotes: int = 0
    comments: int = 0
    source: str = "upstream"
    origin: str = ""


@dataclass(slots=True)
class Rejection:
    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


Item = PaperRecord | FeedRecord | Rejection


# -- helpers sources use to turn raw values into record fields -----------------------------------


def clean_line(value: Any, what: str, *, required: bool = True, limit: int = MAX_TITLE) -> str:
    """One line of text: whitespace runs (arXiv's hard wraps in titles) become single spaces."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidRecord(f"{what} is missing")
        return ""
    if not isinstance(value, str):
        raise InvalidRecord(f"{what} is not text: {value!r:.60}")
    text = _SPACE.sub(" ", value.replace("\x00", "")).strip()
    if len(text) > limit:
        raise InvalidRecord(f"{what} is {len(text)} characters long (limit {limit})")
    return text


def clean_text(value: Any, what: str, *, limit: int = MAX_ABSTRACT) -> str:
    """Multi-line text kept as written (arXiv's line breaks stay), only trimmed."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidRecord(f"{what} is not text: {value!r:.60}")
    text = value.replace("\x00", "").strip()
    if len(text) > limit:
        raise InvalidRecord(f"{what} is {len(text)} characters long (limit {limit})")
    return text


def clean_optional(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRecord(f"{what} is not text: {value!r:.60}")
    return value.strip() or None


def clean_authors(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise InvalidRecord(f"authors is not a list: {value!r:.60}")
    if len(value) > MAX_AUTHORS:
        raise InvalidRecord(f"{len(value)} authors (limit {MAX_AUTHORS})")
    names = []
    for position, name in enumerate(value, 1):
        if not isinstance(name, str) or not name.strip():
            raise InvalidRecord(f"author {position} has no name")
        names.append(_SPACE.sub(" ", name).strip())
    return names


def clean_categories(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise InvalidRecord(f"categories is not a list of names: {value!r:.60}")
    seen: dict[str, None] = {}
    for category in value:
        if category.strip():
            seen.setdefault(category.strip(), None)
    return list(seen)


def clean_url(value: Any, what: str) -> str | None:
    """An http(s) URL; whitespace inside is dropped (upstream has hard-wrapped GitHub links)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidRecord(f"{what} is not an http(s) URL: {value!r:.80}")
    url = _SPACE.sub("", value)
    if not url:
        return None
    if not re.match(r"^https?://[^/\s]+", url, re.IGNORECASE):
        raise InvalidRecord(f"{what} is not an http(s) URL: {value!r:.80}")
    return url


def clean_count(value: Any, what: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRecord(f"{what} is not a count: {value!r:.40}")
    check_count(value, what)
    return value


def check_count(value: int | None, what: str) -> None:
    """Refuse a count or version beyond what the store holds (MAX_COUNT), or below zero. The
    message never prints the value: a huge one has thousands of digits."""
    if value is None:
        return
    if value > MAX_COUNT:
        raise InvalidRecord(f"{what} is out of range: more than {MAX_COUNT}, the most stored")
    if value < 0:
        raise InvalidRecord(f"{what} is out of range: below 0")


def parse_arxiv_id(value: Any) -> tuple[str, int | None]:
    """(id without version, version or None); raises InvalidRecord naming the bad id."""
    if not isinstance(value, str):
        raise InvalidRecord(f"id is not text: {value!r:.60}")
    try:
        parsed = arxiv_ids.parse(value)
    except arxiv_ids.InvalidArxivId as error:
        raise InvalidRecord(str(error)) from None
    return parsed.id, parsed.version


def parse_time(value: Any, what: str, *, required: bool = False) -> datetime | None:
    """An ISO 8601 time (``Z`` or offset; naive means UTC) as an aware UTC datetime."""
    if value is None or value == "":
        if required:
            raise InvalidRecord(f"{what} is missing")
        return None
    if not isinstance(value, str):
        raise InvalidRecord(f"{what} is not a time: {value!r:.40}")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRecord(f"{what} is not an ISO 8601 time: {value!r:.40}") from None
    return in_utc(parsed, what)


def in_utc(moment: datetime, what: str) -> datetime:
    """``moment`` (naive means UTC) in UTC, refused unless it falls in the years a paper's
    times may (``0001-01-01T00:00+23:59`` has no UTC time at all)."""
    try:
        parsed = days.utc(moment)
    except days.InvalidDay:
        parsed = None
    if parsed is None or not FIRST_PAPER_YEAR <= parsed.year <= LAST_PAPER_YEAR:
        raise InvalidRecord(f"{what} is out of range: {moment.isoformat()!r:.40}")
    return parsed


def parse_day(value: Any, what: str) -> date:
    day = value if isinstance(value, date) and not isinstance(value, datetime) else None
    if isinstance(value, str):
        with suppress(ValueError):
            day = date.fromisoformat(value.strip()[:10])
    if day is None:
        raise InvalidRecord(f"{what} is not a date (YYYY-MM-DD): {value!r:.40}")
    check_day(day, what)
    return day


def check_day(day: date | None, what: str) -> None:
    """Refuse a day outside the site's days (:mod:`dailypapers.days`)."""
    if day is not None and not days.within(day):
        raise InvalidRecord(f"{what} {day.isoformat()} is out of range ({days.RANGE})")


# -- the final checks every record passes, whatever its source already checked ------------------


_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(value: Any) -> Any:
    """``value`` with every string in it (lists and dicts too) sendable to a database: JSON may
    carry lone surrogates (``"\\ud800"``), which cannot be encoded as UTF-8 and would fail the
    whole batch in the driver; each becomes U+FFFD."""
    if isinstance(value, str):
        return value if value.isascii() else _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [encodable(v) for v in value]
    if isinstance(value, dict):
        return {encodable(k): encodable(v) for k, v in value.items()}
    return value


# Each record class's field names, for :func:`_make_encodable`.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _make_encodable(record: Any) -> None:
    """Make every field of a record (a dataclass) :func:`encodable`, in place."""
    names = _FIELD_NAMES.get(type(record))
    if names is None:
        names = _FIELD_NAMES[type(record)] = tuple(f.name for f in fields(record))
    values = attrgetter(*names)(record)
    try:  # in C, and refuses any string that is not valid UTF-8: the common case costs little
        orjson.dumps(values)
    except orjson.JSONEncodeError:  # a lone surrogate (or a value JSON has no form for)
        for name, value in zip(names, values, strict=True):
            setattr(record, name, encodable(value))


def validate_paper(record: PaperRecord) -> None:
    """Normalise the id, make its text sendable (:func:`encodable`) and refuse what the store
    cannot hold; InvalidRecord names the paper and the field."""
    _make_encodable(record)
    try:
        record.arxiv_id = arxiv_ids.normalise(record.arxiv_id)
    except arxiv_ids.InvalidArxivId as error:
        raise InvalidRecord(str(error)) from None
    try:
        if not record.title or not record.title.strip():
            raise InvalidRecord("title is missing")
        if record.version is not None and record.version < 1:
            raise InvalidRecord(f"version {record.version} is not >= 1")
        check_count(record.version, "version")
        check_count(record.github_stars, "githubStars")
        for name in ("published_at", "updated_at"):
            value = getattr(record, name)
            if value is not None:
                if value.tzinfo is None:
                    raise InvalidRecord(f"{name} has no time zone")
                in_utc(value, name)
        check_day(record.listed_on, "listing day")
    except InvalidRecord as error:
        raise InvalidRecord(f"paper {record.arxiv_id}: {error}") from None


def validate_entry(record: FeedRecord) -> None:
    """:func:`validate_paper` for the entry's paper, and the entry's own day, time and counts."""
    validate_paper(record.paper)
    if record.submitter is not None:
        _make_encodable(record.submitter)
        # Dots alone are no name, and "." or ".." in a page's address means "here" or "up".
        if not record.submitter.username.strip(" ."):
            record.submitter = None
    try:
        check_day(record.feed_day, "feed day")
        if record.submitted_at is None or record.submitted_at.tzinfo is None:
            raise InvalidRecord("the submission time is missing or has no time zone")
        in_utc(record.submitted_at, "submission time")
        check_count(record.upvotes, "upvotes")
        check_count(record.comments, "numComments")
    except InvalidRecord as error:
        raise InvalidRecord(f"paper {record.paper.arxiv_id}: {error}") from None
