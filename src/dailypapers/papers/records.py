"""The typed records the papers package hands to the layers above: a paper's card, a comment.

A :class:`Card` is what every list shows of a paper (the feed pages, search results, the API's
entries, feeds): the paper's metadata, its first feed entry if any (with who submitted it), its
upvotes (upstream count plus local votes) and visible comment count, and whether the reader
upvoted it, and its code links. Built from the store's card rows by :meth:`Card.from_row`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from markupsafe import Markup

from dailypapers import code_links
from dailypapers.code_links import CodeLink
from dailypapers.ingest.records import PaperMetadata
from dailypapers.papers import comment_markup

CountedThing = TypeVar("CountedThing")


@dataclass(slots=True)
class Card(PaperMetadata):
    id: int
    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    created_at: datetime
    modified_at: datetime
    upvotes: int = 0
    num_comments: int = 0
    upvoted: bool = False
    primary_category: str | None = None
    source: str | None = None  # where its metadata came from: arxiv-api, oai-pmh, upstream...
    # The paper's first feed entry (all None for a paper that never entered the feed).
    entry_id: int | None = None
    feed_day: date | None = None
    submitted_at: datetime | None = None
    upstream_comments: int = 0
    submitter_id: int | None = None
    submitter_username: str | None = None
    submitter_fullname: str | None = None
    submitter_avatar_url: str | None = None
    submitter_upstream_id: str | None = None
    trending_score: float | None = None  # set where a list is ranked by it
    # Its code links in order (upstream first), set by catalog.with_links wherever cards are made.
    links: list[CodeLink] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Card:
        values = {name: row[name] for name in _FIELDS if name in row}
        values["upstream_comments"] = values.get("upstream_comments") or 0
        return cls(**values)

    @property
    def repository(self) -> str | None:
        """The upstream feed's GitHub repository, else the first GitHub code link found."""
        return self.github_repo or code_links.best(self.links, "code", host="github.com")

    @property
    def homepage(self) -> str | None:
        """The upstream feed's project page, else the first project link found."""
        return self.project_page or code_links.best(self.links, "project")

    @property
    def total_comments(self) -> int:
        """Comments counted upstream plus the visible local ones."""
        return self.upstream_comments + self.num_comments


_FIELDS = tuple(f.name for f in fields(Card))


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    paper_id: int
    author_id: int
    author_username: str
    author_fullname: str
    parent_id: int | None
    body: str  # Markdown, as written
    html: Markup  # the body rendered and sanitised when it was written
    depth: int  # in its thread as stored: 0 at the top, at most threads.MAX_DEPTH
    hidden: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Comment:
        html = row["html"]
        return cls(
            row["id"],
            row["paper_id"],
            row["author_id"],
            row["author_username"],
            row["author_fullname"] or "",
            row["parent_id"],
            row["body"],
            comment_markup.as_text(row["body"]) if html is None else Markup(html),
            row["depth"],
            bool(row["hidden"]),
            row["created_at"],
            row["updated_at"],
        )


@dataclass(frozen=True, slots=True)
class Counted(Generic[CountedThing]):
    """What a page counts papers by (a co-author's name, a category) and how many it is on."""

    what: CountedThing
    papers: int
