"""The user record every layer above ``store`` passes around (never a row dict)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    fullname: str = ""
    email: str | None = None
    is_admin: bool = False
    avatar_url: str | None = None
    upstream_id: str | None = None  # set for people the upstream feed named (no password)
    created_at: datetime | None = None
    # Until its mailed link is followed an address is only a claim: nothing tied to it counts.
    email_verified_at: datetime | None = None
    disabled_at: datetime | None = None  # a disabled account cannot sign in or use its tokens

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> User:
        return cls(
            id=row["id"],
            username=row["username"],
            fullname=row.get("fullname") or "",
            email=row.get("email"),
            is_admin=bool(row.get("is_admin")),
            avatar_url=row.get("avatar_url"),
            upstream_id=row.get("upstream_id"),
            created_at=row.get("created_at"),
            email_verified_at=row.get("email_verified_at"),
            disabled_at=row.get("disabled_at"),
        )
