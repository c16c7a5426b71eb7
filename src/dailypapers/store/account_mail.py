"""Account mail (address verification, password reset, a claim decided) in the outbox: one queued
row per link or notice, sent by the digest worker like any other mail (its delivery states are
store/outbox.py's)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from dailypapers.db.schema import outbox

KINDS = ("verify", "reset", "claim")


def queue(
    conn: Connection,
    *,
    user_id: int,
    kind: str,
    token_id: int,
    recipient: str,
    subject: str,
    message_id: str,
    content: dict[str, Any],
    now: datetime,
) -> int:
    """Queue one account mail, due at once; its outbox id. ``period`` names the token, so each
    link is mailed once."""
    if kind not in KINDS:
        raise ValueError(f"unknown account mail kind {kind!r}")
    inserted = conn.execute(
        outbox.insert().values(
            user_id=user_id,
            subscription_id=None,
            kind=kind,
            recipient=recipient,
            subject=subject,
            period=f"{kind}:{token_id}",
            message_id=message_id,
            content=content,
            status="queued",
            attempts=0,
            next_attempt_at=now,
            composed_at=now,
            updated_at=now,
        )
    )
    return inserted.inserted_primary_key[0]


def for_user(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    """The user's account mails, oldest first."""
    query = (
        select(outbox)
        .where(outbox.c.user_id == user_id, outbox.c.kind.in_(KINDS))
        .order_by(outbox.c.id)
    )
    return [dict(row) for row in conn.execute(query).mappings()]
