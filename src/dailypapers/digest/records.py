"""Typed records the digest package hands to the pages: a subscription and a saved search."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    email: str
    user_id: int | None
    confirmed_at: datetime | None
    unsubscribed_at: datetime | None
    frequency: str = "daily"  # "daily" (weekdays) or "weekly"
    timezone: str = "UTC"
    send_hour: int = 7
    weekly_day: int = 0  # 0 = Monday
    content: list[str] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Subscription:
        return cls(
            row["id"],
            row["email"],
            row["user_id"],
            row["confirmed_at"],
            row["unsubscribed_at"],
            row["frequency"],
            row["timezone"],
            row["send_hour"],
            row["weekly_day"],
            list(row["content"] or ()),
        )

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


@dataclass(frozen=True, slots=True)
class Alert:
    """A saved search whose new matches go in the owner's digest."""

    id: int
    query: str
    filters: dict[str, Any]
    created_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Alert:
        return cls(row["id"], row["query"], dict(row["filters"] or {}), row["created_at"])
