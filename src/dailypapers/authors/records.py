"""What the authors package hands up: an author's page and the counts on it, claims of names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dailypapers.accounts.records import User
from dailypapers.papers.records import Card, Counted


@dataclass(slots=True)
class AuthorPage:
    """One page of an author: ``name`` is the display form (the most used spelling), ``papers``
    the page's cards newest first, ``candidates`` the other stored authors the name asked for
    could mean (display forms), which are never merged into this page."""

    name: str
    asked: str
    spellings: list[str]
    total: int
    papers: list[Card]
    page: int
    pages: int
    coauthors: list[Counted[str]] = field(default_factory=list)
    categories: list[Counted[str]] = field(default_factory=list)
    candidates: list[Counted[str]] = field(default_factory=list)
    claim: ClaimView | None = None  # who holds the name, and what the viewer may do
    # The accounts holding claimed names among the page's papers' authors: {name key: User}.
    holders: Mapping[str, User] = field(default_factory=dict)


# The claimant's columns a claim row carries (store.author_claims reads them with each claim).
CLAIMANT_COLUMNS = (
    "username", "fullname", "email", "email_verified_at", "avatar_url", "upstream_id", "is_admin",
    "disabled_at",
)  # fmt: skip


def claimant(row: Mapping[str, Any]) -> User:
    """The account of a claim row (its ``user_id`` and the claimant's columns)."""
    return User.from_row({"id": row["user_id"], **{c: row[c] for c in CLAIMANT_COLUMNS}})


@dataclass(frozen=True, slots=True)
class Claim:
    """An account's claim of an author name: ``state`` is pending, approved, rejected, withdrawn
    or revoked; ``reason`` what the admin said (rejected, revoked)."""

    id: int
    user: User
    name: str
    name_key: str
    state: str
    reason: str
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None  # the deciding admin's username

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Claim:
        return cls(
            id=row["id"],
            user=claimant(row),
            name=row["name"],
            name_key=row["name_key"],
            state=row["state"],
            reason=row["reason"] or "",
            created_at=row["created_at"],
            decided_at=row["decided_at"],
            decided_by=row.get("decided_by_username"),
        )


@dataclass(frozen=True, slots=True)
class ClaimView:
    """What an author's page says of claims: the account holding the name (``holder``), the
    viewer's own latest claim of it (``mine``), and whether the viewer may claim it now
    (``claimable``; ``why_not`` says why not, for a signed-in viewer)."""

    name_key: str | None = None  # the key a claim from this page is of (None: no claim can be)
    holder: User | None = None
    mine: Claim | None = None
    claimable: bool = False
    why_not: str = ""
