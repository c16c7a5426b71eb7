"""What every source yields, and the validation that turns raw values into clean records.

Sources are pure parsers: they read bytes and yield :class:`PaperRecord`, :class:`FeedRecord` or
:class:`Rejection` items, never touching the store. Each record carries ``origin`` (file and
record number, or URL) so a rejection can name exactly what was wrong where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from dailypapers import arxiv_ids

MAX_TITLE = 1_000
MAX_ABSTRACT = 20_000
MAX_AUTHORS = 5_000

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
    return value


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
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    if not 1990 <= parsed.year <= 2200:
        raise InvalidRecord(f"{what} is out of range: {value!r:.40}")
    return parsed


def parse_day(value: Any, what: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise InvalidRecord(f"{what} is not a date (YYYY-MM-DD): {value!r:.40}")
