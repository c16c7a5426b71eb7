"""Leases on rows: one worker at a time holds a row until its ``lease_until``, and a lease that
ran out is anyone's to take. Taking one is a conditional UPDATE, so of two workers only one gets
it. Named rows (a harvest source, a search job) are taken one by one with ``take``; the rows of a
durable outbox (mails, webhook deliveries) are claimed a batch at a time with ``claim``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, Table, or_, select, update
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


def claim(
    conn: Connection,
    table: Table,
    claimable: ColumnElement[bool],
    *,
    worker: str,
    now: datetime,
    lease_until: datetime,
    limit: int,
) -> list[RowMapping]:
    """Claim up to ``limit`` rows of an outbox ``table`` that ``claimable`` picks, oldest due
    first: each becomes ``sending`` under ``worker``'s lease and counts one more attempt. The
    table has ``id``, ``status``, ``next_attempt_at``, ``attempts``, ``lease_owner``,
    ``lease_until`` and ``updated_at``. Returns the claimed rows, in that order.

    Two statements: the rows are picked and locked first, then updated by id. As one UPDATE
    with the pick as its ``IN`` subquery, PostgreSQL may plan the subquery as the inner side of a
    nested loop and run it again for each row it updates; each run skips the rows the statement
    has already changed and locks the next ones, so the LIMIT slides and one claim can take
    every due row (the plan it picks once its statistics remember a busy outbox).

    PostgreSQL: the row locks of ``FOR UPDATE SKIP LOCKED`` let workers claim side by side and
    hold until the transaction ends, so no other worker changes a picked row before the UPDATE.
    SQLite: the write transaction (BEGIN IMMEDIATE) already runs alone; the same statements work.
    """
    due_first = (table.c.next_attempt_at, table.c.id)
    picked = (
        select(table.c.id)
        .where(claimable)
        .order_by(*due_first)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(conn.execute(picked).scalars())
    if not ids:
        return []
    statement = (
        update(table)
        .where(table.c.id.in_(ids))
        .values(
            status="sending",
            lease_owner=worker,
            lease_until=lease_until,
            attempts=table.c.attempts + 1,
            updated_at=now,
        )
        .returning(*table.c)
    )
    rows = list(conn.execute(statement).mappings())
    return sorted(rows, key=lambda r: (r["next_attempt_at"], r["id"]))


def release(conn: Connection, table: Table, ids: Sequence[int], worker: str, now: datetime) -> int:
    """Give back claimed rows of an outbox ``table`` that ``worker`` did not get to: queued again,
    and the attempt ``claim`` counted is taken back."""
    if not ids:
        return 0
    statement = (
        update(table)
        .where(
            table.c.id.in_(list(ids)), table.c.lease_owner == worker, table.c.status == "sending"
        )
        .values(
            status="queued",
            lease_owner=None,
            lease_until=None,
            attempts=table.c.attempts - 1,
            updated_at=now,
        )
    )
    return conn.execute(statement).rowcount
