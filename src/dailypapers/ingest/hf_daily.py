"""The upstream daily feed's JSON (``/api/daily_papers`` responses): parse entries into records.

Used for saved files and folders (``dailypapers import``) and, through
:mod:`dailypapers.ingest.upstream_http`, for the live API. The feed day of an entry is the day it
was returned for: the ``date`` asked of the API, or the ``YYYY-MM-DD`` in a saved file's name.
Without one, the entry's own ``submittedOnDailyAt`` (UTC day) decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from dailypapers.ingest import records
from dailypapers.ingest.records import FeedRecord, Item, PaperRecord, Rejection, UserRef

SOURCE = "upstream"
_DAY_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def looks_like(payload: Any) -> bool:
    """True for a daily_papers response: a list of objects each with a ``paper``."""
    return isinstance(payload, list) and all(
        isinstance(e, dict) and isinstance(e.get("paper"), dict) for e in payload[:5]
    )


def day_in_name(path: Path) -> date | None:
    """The feed day a saved response was returned for, from its ``YYYY-MM-DD`` file name."""
    match = _DAY_IN_NAME.search(path.name)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def parse_response(payload: list[Any], feed_day: date | None, origin: str) -> Iterator[Item]:
    for position, entry in enumerate(payload, 1):
        where = f"{origin} entry {position}"
        try:
            yield parse_entry(entry, feed_day, where)
        except (records.InvalidRecord, ValueError, TypeError, AttributeError) as error:
            paper = entry.get("paper") if isinstance(entry, dict) else None
            label = paper.get("id") if isinstance(paper, dict) else None
            suffix = f" (paper {label})" if isinstance(label, str) else ""
            yield Rejection(where + suffix, str(error))


def parse_entry(entry: Any, feed_day: date | None, origin: str) -> FeedRecord:
    if not isinstance(entry, dict) or not isinstance(entry.get("paper"), dict):
        raise records.InvalidRecord("entry has no 'paper' object")
    raw = entry["paper"]
    arxiv_id, version = records.parse_arxiv_id(raw.get("id"))
    authors = raw.get("authors")
    if not isinstance(authors, list):
        raise records.InvalidRecord("authors is not a list")
    names = records.clean_authors([a.get("name") if isinstance(a, dict) else a for a in authors])
    keywords = raw.get("ai_keywords")
    if keywords is not None and not (
        isinstance(keywords, list) and all(isinstance(k, str) for k in keywords)
    ):
        raise records.InvalidRecord("ai_keywords is not a list of strings")
    media = raw.get("mediaUrls", entry.get("mediaUrls"))
    organization = raw.get("organization", entry.get("organization"))
    paper = PaperRecord(
        arxiv_id=arxiv_id,
        version=version,
        title=records.clean_line(raw.get("title", entry.get("title")), "title"),
        abstract=records.clean_text(raw.get("summary", entry.get("summary")), "summary"),
        authors=names,
        published_at=records.parse_time(raw.get("publishedAt"), "publishedAt"),
        github_repo=records.clean_url(raw.get("githubRepo"), "githubRepo"),
        github_stars=records.clean_count(raw.get("githubStars"), "githubStars")
        if raw.get("githubStars") is not None
        else None,
        project_page=records.clean_url(raw.get("projectPage"), "projectPage"),
        ai_summary=records.clean_optional(raw.get("ai_summary"), "ai_summary"),
        ai_keywords=keywords,
        organization=organization if isinstance(organization, dict) else None,
        media_urls=media if isinstance(media, list) else None,
        discussion_id=records.clean_optional(raw.get("discussionId"), "discussionId"),
        source=SOURCE,
        origin=origin,
    )
    submitted_at = records.parse_time(
        raw.get("submittedOnDailyAt"), "submittedOnDailyAt"
    ) or records.parse_time(entry.get("publishedAt"), "publishedAt", required=True)
    day = feed_day or records.parse_day(submitted_at.date().isoformat(), "feed day")
    return FeedRecord(
        paper=paper,
        feed_day=day,
        submitted_at=submitted_at,
        submitter=_submitter(raw.get("submittedOnDailyBy") or entry.get("submittedBy")),
        upvotes=records.clean_count(raw.get("upvotes"), "upvotes"),
        comments=records.clean_count(entry.get("numComments"), "numComments"),
        source=SOURCE,
        origin=origin,
    )


def _submitter(raw: Any) -> UserRef | None:
    if not isinstance(raw, dict):
        return None
    username = raw.get("user") or raw.get("name")
    if not isinstance(username, str) or not username.strip():
        return None
    return UserRef(
        username=username.strip(),
        fullname=str(raw.get("fullname") or ""),
        avatar_url=raw.get("avatarUrl") if isinstance(raw.get("avatarUrl"), str) else None,
        upstream_id=raw.get("_id") if isinstance(raw.get("_id"), str) else None,
    )
