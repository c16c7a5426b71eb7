"""What an admin sees of the outbox (mails by state, the ones that need attention) and does
about it (queue a failed or unconfirmed mail again, with its Message-ID)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dailypapers.db.engine import Database
from dailypapers.store import outbox as outbox_store

STATES = ("queued", "sending", "committed", "sent", "unconfirmed", "failed", "cancelled", "empty")


@dataclass(frozen=True)
class Overview:
    counts: dict[str, int]
    problems: list[dict[str, Any]] = field(default_factory=list)


def overview(db: Database) -> Overview:
    with db.read() as conn:
        return Overview(outbox_store.counts(conn), outbox_store.problems(conn))


def requeue(db: Database, outbox_ids: list[int]) -> list[int]:
    """Queue these mails again; returns those that could be (failed or unconfirmed ones)."""
    with db.write() as conn:
        return [i for i in outbox_ids if outbox_store.requeue(conn, i, datetime.now(UTC))]
