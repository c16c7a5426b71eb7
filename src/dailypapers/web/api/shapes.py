"""The JSON shapes of the upstream Papers API, in one place for every endpoint.

The pydantic models of :mod:`.models` describe the shapes for OpenAPI and tests; here
:class:`Shaper` turns the papers package's records (:class:`~dailypapers.papers.records.Card`)
  into plain dicts. Endpoints serialise those dicts with orjson: building a pydantic object per
  entry would cost more than the whole query on the hot path.

Optional values are left out rather than sent as ``null``, as upstream does; the models mark
them as optional *and* nullable so either is within the schema. Times are written the upstream
way: UTC, milliseconds, ``Z`` (``2026-02-26T17:08:18.000Z``). ``_id`` values are the upstream
ids where we imported them, else stable strings derived from our keys (24 hex characters, like
upstream's).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from dailypapers.accounts.records import User
from dailypapers.authors.records import AuthorPage
from dailypapers.papers.records import Card
from dailypapers.papers.records import Comment as StoredComment
from dailypapers.web.api.models import CLAIMED

# {(paper key, author position): the account holding that author's name}, from
# :func:`dailypapers.authors.claimants.holders` (one lookup for a page of papers).
Holders = Mapping[tuple[int, int], User]
NO_HOLDERS: Holders = {}

# -- shaping -------------------------------------------------------------------------------------


def iso(moment: datetime | None) -> str | None:
    """``2026-02-26T17:08:18.000Z``: UTC, milliseconds, Z."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def derived_id(*parts: object) -> str:
    """A stable 24-hex id for things that have no upstream id (authors, discussions)."""
    text = "\x1f".join(str(p) for p in parts)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:24]


def user_id_string(user_id: int, upstream_id: str | None) -> str:
    return upstream_id or f"{user_id:024x}"


def comment_id_string(comment_id: int) -> str:
    return f"{comment_id:024x}"


def parse_comment_id(text: str) -> int | None:
    """Our comment key from its ``id`` string, or None when it is not one of ours."""
    if len(text) != 24:
        return None
    try:
        value = int(text, 16)
    except ValueError:
        return None
    return value if 0 < value < 2**63 else None


class Shaper:
    """Turns the domain's records into upstream JSON; knows the site's public address."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.default_avatar = f"{self.base}/static/api/avatar.svg"
        self.default_thumbnail = f"{self.base}/static/api/paper.svg"

    def user(
        self,
        user_id: int,
        username: str,
        fullname: str | None,
        avatar_url: str | None,
        upstream_id: str | None,
    ) -> dict[str, Any]:
        return {
            "_id": user_id_string(user_id, upstream_id),
            "avatarUrl": avatar_url or self.default_avatar,
            "fullname": fullname or username,
            "name": username,
            "user": username,
            "type": "user",
            "isPro": False,
        }

    def submitter(self, card: Card) -> dict[str, Any] | None:
        if card.submitter_id is None:
            return None
        return self.user(
            card.submitter_id,
            card.submitter_username,
            card.submitter_fullname,
            card.submitter_avatar_url,
            card.submitter_upstream_id,
        )

    def account(self, user: User) -> dict[str, Any]:
        return self.user(user.id, user.username, user.fullname, user.avatar_url, user.upstream_id)

    def paper(self, card: Card, holders: Holders = NO_HOLDERS) -> dict[str, Any]:
        """The ``paper`` object (and, flattened, ``GET /api/papers/{id}``); an author whose name
        an account holds (``holders``) carries that account and upstream's claimed status."""
        arxiv_id = card.arxiv_id
        # Author ids: the paper's key and the author's position (no upstream id is kept).
        prefix = f"a{card.id:015x}"
        authors = []
        for position, name in enumerate(card.authors or ()):
            author = {"_id": f"{prefix}{position:08x}", "name": name, "hidden": False}
            holder = holders.get((card.id, position)) if holders else None
            if holder is not None:
                author["user"], author["status"] = self.account(holder), CLAIMED
            authors.append(author)
        out: dict[str, Any] = {"id": arxiv_id, "authors": authors}
        _put(out, "publishedAt", iso(card.published_at))
        if card.submitted_at is not None:
            out["submittedOnDailyAt"] = iso(card.submitted_at)
            _put(out, "submittedOnDailyBy", self.submitter(card))
        out["title"] = card.title
        out["summary"] = card.abstract
        out["upvotes"] = card.upvotes
        out["discussionId"] = card.discussion_id or derived_id("discussion", arxiv_id)
        out.update(self.extras(card))
        _put(out, "mediaUrls", card.media_urls or None)
        return out

    @staticmethod
    def extras(card: Card) -> dict[str, Any]:
        out: dict[str, Any] = {}
        # The upstream's own fields, else the first GitHub repository and project page the
        # abstract or comment names: same fields, filled for more papers.
        _put(out, "githubRepo", card.repository)
        _put(out, "githubStars", card.github_stars)
        _put(out, "projectPage", card.homepage)
        _put(out, "ai_summary", card.ai_summary)
        _put(out, "ai_keywords", card.ai_keywords)
        _put(out, "organization", card.organization or None)
        out["numComments"] = card.total_comments
        return out

    def entry(self, card: Card, holders: Holders = NO_HOLDERS) -> dict[str, Any]:
        """One ``/api/daily_papers`` entry. Top-level ``publishedAt`` is the submission time:
        that is what upstream sent there for most of its history, and what huggingface_hub
        reads as ``submitted_at``."""
        paper = self.paper(card, holders)
        media = card.media_urls or None
        out: dict[str, Any] = {
            "paper": paper,
            "publishedAt": paper.get("submittedOnDailyAt") or paper.get("publishedAt"),
            "title": paper["title"],
            "summary": paper["summary"],
            "thumbnail": media[0] if media else self.default_thumbnail,
        }
        _put(out, "submittedBy", paper.get("submittedOnDailyBy"))
        out["isAuthorParticipating"] = False
        _put(out, "mediaUrls", media)
        out.update(self.extras(card))
        if out["publishedAt"] is None:  # a paper never in the feed and with no arXiv date
            out["publishedAt"] = iso(card.created_at)
        return out

    def search_entry(
        self,
        card: Card,
        title_segments: list | None,
        summary_segments: list | None,
        upvoted: bool,
        holders: Holders = NO_HOLDERS,
    ) -> dict[str, Any]:
        out = self.entry(card, holders)
        out["upvoted"] = upvoted
        out["highlightedTitle"] = segments(title_segments, card.title)
        out["highlightedSummary"] = segments(summary_segments, card.abstract)
        return out

    def author(self, page: AuthorPage) -> dict[str, Any]:
        def counted(items: list) -> list[dict[str, Any]]:
            return [{"name": item.what, "count": item.papers} for item in items]

        out = {
            "name": page.name,
            "count": page.total,
            "papers": [self.paper(card, page.holders) for card in page.papers],
            "page": page.page,
            "pages": page.pages,
            "spellings": page.spellings,
            "coauthors": counted(page.coauthors),
            "categories": counted(page.categories),
            "candidates": counted(page.candidates),
        }
        if page.claim is not None and page.claim.holder is not None:
            out["user"], out["status"] = self.account(page.claim.holder), CLAIMED
        return out

    def comment(self, comment: StoredComment, html: str, author: User) -> dict[str, Any]:
        """A stored comment, its body rendered as ``html``, in the upstream ``newMessage`` shape."""
        overview = self.account(author)
        return {
            "id": comment_id_string(comment.id),
            "createdAt": iso(comment.created_at),
            "type": "comment",
            "author": overview,
            "data": {
                "latest": {
                    "raw": comment.body,
                    "html": html,
                    "updatedAt": iso(comment.updated_at),
                    "author": overview,
                },
                "reactions": [],
                "edited": comment.updated_at != comment.created_at,
                "hidden": comment.hidden,
                "numEdits": 0,
                "editors": [],
            },
        }


def segments(parts: list | None, whole: str) -> list[dict[str, str]]:
    """Highlight segments from search's ``(text, is_match)`` pairs; without any, the whole text
    as one plain segment (joined, segments always give back the text)."""
    if not parts:
        return [{"type": "text", "text": whole}] if whole else []
    return [{"type": "highlight" if match else "text", "text": text} for text, match in parts]


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        out[key] = value


def dumps(value: Any) -> bytes:
    return orjson.dumps(value)
