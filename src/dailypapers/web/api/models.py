"""The JSON shapes of the upstream Papers API as pydantic models: what OpenAPI documents and
what the tests validate real answers against (the fuzzing test too). :mod:`.shapes` makes the
dicts the endpoints send; the two must agree.

Optional values are marked optional *and* nullable: upstream leaves them out, and either is
within the schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class UserOverview(_Model):
    id: str = Field(alias="_id")
    avatarUrl: str
    fullname: str
    name: str = Field(description="The username (some clients read this one).")
    user: str = Field(description="The username again (others read this one).")
    type: Literal["user"] = "user"
    isPro: bool = False


CLAIMED = "claimed_verified"  # upstream's status of an author an account holds


class _Claimed(_Model):
    """An author's name an account may hold (an approved claim): then ``user`` and ``status``."""

    user: UserOverview | None = Field(None, description="The account holding the name, if any.")
    status: Literal["claimed_verified"] | None = Field(
        None, description="`claimed_verified` where an account holds the name; absent otherwise."
    )


class Author(_Claimed):
    id: str = Field(alias="_id")
    name: str
    hidden: bool = False


class Organization(_Model):
    model_config = ConfigDict(populate_by_name=True, extra="allow")
    id: str | None = Field(None, alias="_id")
    name: str | None = None
    fullname: str | None = None
    avatar: str | None = None


class _Extras(_Model):
    """Fields clients read either inside ``paper`` or at the top level: sent in both places."""

    githubRepo: str | None = Field(
        None,
        description="The upstream feed's repository, else the first GitHub repository the "
        "abstract or arXiv comment names.",
    )
    githubStars: int | None = None
    projectPage: str | None = Field(
        None,
        description="The upstream feed's project page, else the first project page the "
        "abstract or arXiv comment names.",
    )
    ai_summary: str | None = None
    ai_keywords: list[str] | None = None
    organization: Organization | None = None
    numComments: int = Field(description="Comments: the upstream count plus local ones.")


class Paper(_Extras):
    """A paper; also the whole answer of ``GET /api/papers/{id}`` (flattened)."""

    id: str = Field(description="arXiv id without version, e.g. 2602.23229 or hep-th/9901001.")
    authors: list[Author]
    publishedAt: datetime | None = Field(None, description="arXiv first-version time.")
    submittedOnDailyAt: datetime | None = Field(
        None, description="When the paper entered the daily feed (absent if it never did)."
    )
    submittedOnDailyBy: UserOverview | None = None
    title: str
    summary: str = Field(description="The abstract.")
    upvotes: int = Field(description="Upvotes: the upstream count plus local votes.")
    discussionId: str
    mediaUrls: list[str] | None = None


class DailyEntry(_Extras):
    """One entry of ``GET /api/daily_papers``."""

    paper: Paper
    publishedAt: datetime = Field(description="When the entry was submitted to the feed.")
    title: str
    summary: str
    thumbnail: str
    submittedBy: UserOverview | None = None
    isAuthorParticipating: bool = False
    mediaUrls: list[str] | None = None


class Segment(_Model):
    type: Literal["text", "highlight"]
    text: str


class SearchEntry(DailyEntry):
    """One result of ``GET /api/papers/search``: a daily entry plus highlights."""

    upvoted: bool = Field(description="Whether the calling user upvoted it (false if anonymous).")
    highlightedTitle: list[Segment]
    highlightedSummary: list[Segment]


class NameCount(_Model):
    name: str
    count: int = Field(description="Papers: the author's with this co-author or category.")


class AuthorPapers(_Claimed):
    """``GET /api/authors/{name}``: one page of an author's papers, newest first."""

    name: str = Field(description="The author's most used spelling.")
    count: int = Field(description="All of the author's stored papers (every page).")
    papers: list[Paper]
    page: int
    pages: int
    spellings: list[str] = Field(description="Every spelling of the name the papers use.")
    coauthors: list[NameCount] = Field(description="The most frequent, on the first page only.")
    categories: list[NameCount] = Field(description="On the first page only.")
    candidates: list[NameCount] = Field(
        description="Other authors the name asked for could mean (never merged into this one)."
    )


class CommentIn(_Model):
    comment: str = Field(min_length=1, max_length=10_000, description="Markdown text.")


class CommentLatest(_Model):
    raw: str
    html: str
    updatedAt: datetime
    author: UserOverview


class CommentData(_Model):
    latest: CommentLatest
    reactions: list[Any] = []
    edited: bool = False
    hidden: bool = False
    numEdits: int = 0
    editors: list[str] = []


class Comment(_Model):
    id: str
    createdAt: datetime
    type: Literal["comment"] = "comment"
    author: UserOverview
    data: CommentData


class NewMessage(_Model):
    newMessage: Comment


class Empty(_Model):
    """``{}``: the upstream answer of a write that has nothing to say."""
