"""What the library package hands up: collections, their items, an import's report, and the
named errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dailypapers.papers.records import Card

PAGE_PATH = "/collections/{id}"


class CollectionRefused(Exception):
    """What every collection call may refuse with: the errors below (a caller catches this one
    and tells them apart where it answers each differently)."""


class InvalidCollection(CollectionRefused, ValueError):
    """A collection (or an item of one) that cannot be: ``field`` names the part at fault, as
    the API's JSON names it, and the message says what would do."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class NoSuchCollection(CollectionRefused, LookupError):
    """No collection of that id, or a private one of someone else's (never told apart, so
    nobody learns which private collections exist)."""


class NotYours(CollectionRefused, PermissionError):
    """A public collection someone else owns: only its owner changes it."""


class NoSuchPaper(CollectionRefused, LookupError):
    """The store has no paper of that arXiv id (or the collection does not hold it)."""


class TooManyCollections(CollectionRefused, ValueError):
    """The owner has as many collections as one account may have."""


class TooManyItems(CollectionRefused, ValueError):
    """The collection holds as many papers as one collection may."""


# A collection's fields its row holds as they are (the others: see Collection.from_row).
_AS_STORED = ("id", "user_id", "owner_username", "title", "created_at", "updated_at")


@dataclass(frozen=True, slots=True)
class Collection:
    id: int
    user_id: int
    owner_username: str
    title: str
    description: str
    private: bool
    item_count: int
    created_at: datetime
    updated_at: datetime

    @property
    def path(self) -> str:
        return PAGE_PATH.format(id=self.id)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "private": self.private,
            "owner": self.owner_username,
            "item_count": self.item_count,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Collection:
        return cls(
            **{name: row[name] for name in _AS_STORED},
            description=row["description"] or "",
            private=bool(row["private"]),
            item_count=int(row.get("item_count") or 0),
        )


@dataclass(frozen=True, slots=True)
class Item:
    """A paper of a collection: its card, the owner's note, where it stands and when added."""

    card: Card
    note: str
    position: int
    added_at: datetime


@dataclass(frozen=True, slots=True)
class Shelf:
    """A collection with its items in order; ``mine`` when the viewer owns it; ``pending``: the
    arXiv ids an import queued that have not arrived yet."""

    collection: Collection
    items: list[Item]
    mine: bool
    pending: list[str] = field(default_factory=list)

    @property
    def cards(self) -> list[Card]:
        return [item.card for item in self.items]


@dataclass(frozen=True, slots=True)
class Unmatched:
    """An imported entry no paper was found for: ``entry`` its citation key or title."""

    entry: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: ``matched`` entries found in the store (added to the collection),
    ``fetched`` distinct arXiv ids the store lacked, queued to be fetched and added when they
    arrive, and each entry neither matched nor queued, named with the reason."""

    collection: Collection
    matched: int
    fetched: int
    unmatched: list[Unmatched]

    def as_json(self) -> dict[str, Any]:
        return {
            "matched": self.matched,
            "fetched": self.fetched,
            "unmatched": [{"entry": u.entry, "reason": u.reason} for u in self.unmatched],
            "collection": self.collection.id,
        }
