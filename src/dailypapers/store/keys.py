"""Lookups by many keys at once. SQLite builds older than 3.32 bind at most 999 parameters in one
statement, so a list of keys goes to the database :data:`PER_STATEMENT` at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Column, Connection, FromClause, select

PER_STATEMENT = 900
T = TypeVar("T")


def chunks(keys: Sequence[T], size: int = PER_STATEMENT) -> Iterator[Sequence[T]]:
    """``keys`` in slices short enough for one statement each."""
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def sets_by(
    conn: Connection,
    key: Column,
    value: Column,
    keys: Iterable[Any],
    *,
    source: FromClause | None = None,
) -> dict[Any, set]:
    """{each of ``keys``: the ``value`` of every row whose ``key`` it is}, in the order of the
    keys, empty sets included; ``key`` and ``value`` are columns of one table, or of ``source``
    (a join of their tables)."""
    wanted = sorted(set(keys))
    found: dict[Any, set] = {k: set() for k in wanted}
    query = select(key, value) if source is None else select(key, value).select_from(source)
    for chunk in chunks(wanted):
        for row_key, row_value in conn.execute(query.where(key.in_(chunk))):
            found[row_key].add(row_value)
    return found
