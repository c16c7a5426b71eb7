"""The suppression list: addresses whose owners asked never to be mailed again.

Addresses are kept lowercased in the form email-validator normalises them to (the form
subscriptions and outbox rows store), so a lookup is one primary-key probe. What may never be
sent to them is decided in store/outbox.py, which reads this table inside its own statements.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from dailypapers.db.schema import suppressions


def add(conn: Connection, email: str, now: datetime) -> None:
    """Suppress ``email`` (idempotent: suppressing it again keeps the first date)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(suppressions)
        .values(email=email.lower(), created_at=now)
        .on_conflict_do_nothing(index_elements=["email"])
    )


def contains(conn: Connection, email: str) -> bool:
    query = select(suppressions.c.email).where(suppressions.c.email == email.lower())
    return conn.execute(query).first() is not None
