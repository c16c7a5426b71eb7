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
        )
