"""Failed sign-ins: record one, read the recent ones of a login or an address, forget them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select

from dailypapers.db.schema import sign_in_failures


def record(conn: Connection, login: str, address: str, at: datetime) -> None:
    conn.execute(sign_in_failures.insert().values(login=login, address=address, failed_at=at))


def login_times_since(conn: Connection, login: str, since: datetime) -> list[datetime]:
    """When ``login``'s failures after ``since`` happened, oldest first."""
    return _times_since(conn, sign_in_failures.c.login, login, since)


def address_times_since(conn: Connection, address: str, since: datetime) -> list[datetime]:
    """When the failures from ``address`` after ``since`` happened, oldest first."""
    return _times_since(conn, sign_in_failures.c.address, address, since)


def _times_since(
    conn: Connection, column, value: str, since: datetime, limit: int = 1000
) -> list[datetime]:
    query = (
        select(sign_in_failures.c.failed_at)
        .where(column == value, sign_in_failures.c.failed_at > since)
        .order_by(sign_in_failures.c.failed_at)
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def clear_login(conn: Connection, login: str) -> None:
    conn.execute(delete(sign_in_failures).where(sign_in_failures.c.login == login))


def delete_before(conn: Connection, before: datetime) -> int:
    return conn.execute(
        delete(sign_in_failures).where(sign_in_failures.c.failed_at <= before)
    ).rowcount
