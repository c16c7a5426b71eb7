"""What every table is made of: the metadata and its naming convention, the column types both
backends share, and the columns that recur (keys, time stamps, references)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Json = JSON().with_variant(JSONB(), "postgresql")
# SQLite's INTEGER PRIMARY KEY is its rowid; BigInteger would lose that, so only PG gets BIGINT.
Key = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on both backends (SQLite stores naive text; we pin it to UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store times in UTC with tzinfo")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def table(name: str, *items: Any) -> Table:
    return Table(name, metadata, *items)


def key() -> Column:
    """A table's surrogate key, ``id``."""
    return Column("id", Key, primary_key=True)


def stamp(name: str) -> Column:
    """When a row was made or last changed: the database's clock unless the write says."""
    return Column(name, UTCDateTime, nullable=False, server_default=func.now())


def refers(name: str, table: str, on_delete: str = "CASCADE", **options: Any) -> Column:
    """A key of a row of ``table``; ``on_delete`` is what that row's deletion does to this one."""
    return Column(name, Key, ForeignKey(f"{table}.id", ondelete=on_delete), **options)


def user_and_paper() -> tuple[Column, Column]:
    """The key of a table of one row per user and paper (a vote, a mark)."""
    return (
        refers("user_id", "users", primary_key=True),
        refers("paper_id", "papers", primary_key=True),
    )


def delivery_state() -> tuple[Column, ...]:
    """The columns of a row of a durable outbox (a mail, a webhook delivery) that its workers
    claim under a lease (store/leases.py): its ``status`` (each outbox names its own states),
    attempts so far, when it is due, the lease, and the last error."""
    return (
        Column("status", String(16), nullable=False),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("next_attempt_at", UTCDateTime, nullable=False),
        Column("lease_owner", String(100)),
        Column("lease_until", UTCDateTime),
        Column("last_error", Text),
    )
