"""Failed sign-ins: record one, read the recent ones of a login or an address, forget them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select

from dailypapers.db.schema import sign_in_failures


def record(conn: Connection, login: str, address: str, at: datetime) -> None:
    conn.execute(sign_in_failures.insert().values(login=login, address=address, failed_at=at))


def times_since(conn: Connection, *, since: datetime, login: str | None = None,
                address: str | None = None, limit: int = 1000) -> list[datetime]:
    """When the failures of ``login`` (or of ``address``) after ``since`` happened, oldest
    first (at most ``limit``)."""
    column = sign_in_failures.c.login if login is not None else sign_in_failures.c.address
    query = (select(sign_in_failures.c.failed_at)
             .where(column == (login if login is not None else address),
                    sign_in_failures.c.failed_at > since)
             .order_by(sign_in_failures.c.failed_at).limit(limit))
    return list(conn.execute(query).scalars())


def clear_login(conn: Connection, login: str) -> None:
    conn.execute(delete(sign_in_failures).where(sign_in_failures.c.login == login))


def delete_before(conn: Connection, before: datetime) -> int:
    return conn.execute(delete(sign_in_failures).where(sign_in_failures.c.failed_at <= before)
                        ).rowcount
