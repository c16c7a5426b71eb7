"""What the webhooks package hands up and takes in: a webhook, and a batch of papers to send."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from dailypapers.papers.records import Card

Format = Literal["slack", "discord", "json"]
FORMATS: tuple[Format, ...] = ("slack", "discord", "json")
State = Literal["active", "stopped"]
# Characters of a webhook URL's path shown (``/services/T0…``, ``/api/webhooks/12…``): enough to
# tell two apart, too few to post to.
SHOWN_PATH = 12


@dataclass(frozen=True, slots=True)
class Webhook:
    """A URL a feed's new papers are posted to. ``state`` is ``stopped`` once the receiver
    refused a delivery for good (a 4xx, a redirect); ``stop_reason`` then says what it answered,
    for the owner to see. The signing secret is never part of it: it is shown once, when made."""

    id: int
    user_id: int
    feed_id: int
    url: str
    format: Format
    state: State
    stop_reason: str | None
    created_at: datetime
    last_delivery_at: datetime | None

    @property
    def shown_url(self) -> str:
        """The URL with its path clipped: Slack's and Discord's webhook URLs carry their secret
        in the path, so pages and answers show only its start."""
        parts = urlsplit(self.url)
        path = parts.path if len(parts.path) <= SHOWN_PATH else parts.path[:SHOWN_PATH] + "…"
        return f"{parts.scheme}://{parts.netloc}{path}"

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Webhook:
        return cls(
            row["id"],
            row["user_id"],
            row["feed_id"],
            row["url"],
            row["format"],
            row["state"],
            row["stop_reason"],
            row["created_at"],
            row["last_delivery_at"],
        )


@dataclass(frozen=True, slots=True)
class Batch:
    """New papers of one feed to send: its name and page (absolute URL), the cards newest first,
    and the moment they were gathered."""

    feed_name: str
    feed_url: str
    papers: list[Card]
    as_of: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message to a webhook: its stable id, where it stands (queued, sending, delivered,
    failed, cancelled), how often it was tried and what the receiver last answered."""

    delivery_id: str
    status: str
    attempts: int
    response_status: int | None
    last_error: str | None
    queued_at: datetime
    delivered_at: datetime | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Delivery:
        return cls(
            row["delivery_id"],
            row["status"],
            row["attempts"],
            row["response_status"],
            row["last_error"],
            row["queued_at"],
            row["delivered_at"],
        )
