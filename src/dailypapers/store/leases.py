"""Leases on named rows (a harvest source, a search job): one worker at a time holds a row until
its ``lease_until``, and a lease that ran out is anyone's to take. Taking one is a conditional
UPDATE, so of two workers only one gets it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def ensure_row(conn: Connection, table: Table, **key: Any) -> None:
    """Create the row ``key`` names unless it exists (safe when two workers race)."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(table).values(**key).on_conflict_do_nothing())


def take(
    conn: Connection,
    table: Table,
    row: ColumnElement[bool],
    owner: str,
    until: datetime,
    now: datetime,
    **also: Any,
) -> bool:
    """Take (or renew) the lease of the row ``row`` picks out of ``table`` unless another owner
    holds a live one; ``also`` sets more columns of the row with it."""
    free = or_(
        table.c.lease_until.is_(None), table.c.lease_until < now, table.c.lease_owner == owner
    )
    taken = conn.execute(
        update(table).where(row, free).values(lease_owner=owner, lease_until=until, **also)
    )
    return taken.rowcount == 1
