"""What the feeds package hands up: a feed, its definition, and the named errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# What the page of feed ``id`` is at, and its Atom / RSS addresses (``fmt`` "atom" or "rss").
PAGE_PATH = "/following/{id}"
SYNDICATION_PATH = "/feeds/following/{id}.{fmt}"


class InvalidFeed(ValueError):
    """A definition that cannot be a feed; ``field`` names the part at fault (the API's JSON
    name, or ``None`` for the whole) and the message says what would do."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class NoSuchFeed(LookupError):
    """No feed of that id, or a private one the asker may not read (never told apart, so
    nobody learns which private feeds exist)."""


class NotYours(PermissionError):
    """A feed someone else owns: only its owner changes or deletes it."""


class TooManyFeeds(ValueError):
    """The owner has as many feeds as one account may have."""


@dataclass(frozen=True, slots=True)
class Definition:
    """Which papers a feed holds: those listing any of ``categories`` (when given) and none of
    ``exclude_categories``, by any of ``authors`` (when given), matching ``query`` (search
    syntax, ``-word`` excludes) and close to ``like`` (when given), with at least
    ``min_upvotes``, and with a code link when ``has_code``. Every criterion given must hold."""

    categories: tuple[str, ...] = ()
    exclude_categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    query: str = ""
    like: str = ""
    min_upvotes: int = 0
    has_code: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "categories": list(self.categories),
            "exclude_categories": list(self.exclude_categories),
            "authors": list(self.authors),
            "query": self.query,
            "like": self.like,
            "min_upvotes": self.min_upvotes,
            "has_code": self.has_code,
        }

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> Definition:
        return cls(
            tuple(stored.get("categories") or ()),
            tuple(stored.get("exclude_categories") or ()),
            tuple(stored.get("authors") or ()),
            stored.get("query") or "",
            stored.get("like") or "",
            int(stored.get("min_upvotes") or 0),
            bool(stored.get("has_code")),
        )


@dataclass(frozen=True, slots=True)
class Feed:
    """A reader's feed: who owns it, its name, whether only its owner (or its token address)
    may read it, and its definition's fields."""

    id: int
    user_id: int
    owner_username: str
    name: str
    private: bool
    categories: tuple[str, ...]
    exclude_categories: tuple[str, ...]
    authors: tuple[str, ...]
    query: str
    like: str
    min_upvotes: int
    created_at: datetime
    updated_at: datetime
    digest_watermark_at: datetime | None = None
    has_code: bool = False
    # What its private address's token is derived from (with the site's key: see access).
    token_nonce: str = field(default="", repr=False, compare=False)

    @property
    def path(self) -> str:
        """The feed's page."""
        return PAGE_PATH.format(id=self.id)

    def syndication_path(self, fmt: str) -> str:
        """The feed's public Atom or RSS address (a private feed's takes a token: see access)."""
        return SYNDICATION_PATH.format(id=self.id, fmt=fmt)

    @property
    def definition(self) -> Definition:
        return Definition(
            self.categories,
            self.exclude_categories,
            self.authors,
            self.query,
            self.like,
            self.min_upvotes,
            self.has_code,
        )

    def as_json(self) -> dict[str, Any]:
        """The feed as the API's contract names it (without the addresses the web adds)."""
        return {"name": self.name, **self.definition.as_json(), "private": self.private}

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Feed:
        definition = Definition.from_json(row["definition"] or {})
        return cls(
            id=row["id"],
            user_id=row["user_id"],
            owner_username=row["owner_username"],
            name=row["name"],
            private=bool(row["private"]),
            categories=definition.categories,
            exclude_categories=definition.exclude_categories,
            authors=definition.authors,
            query=definition.query,
            like=definition.like,
            min_upvotes=definition.min_upvotes,
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            digest_watermark_at=row.get("digest_watermark_at"),
            has_code=definition.has_code,
            token_nonce=row.get("token_nonce") or "",
        )
