"""What every entity's module does alike with one row."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Connection, Table, bindparam, update


def inserted_id(conn: Connection, table: Table, values: Mapping[str, Any]) -> int:
    """A row of ``values`` inserted into ``table``: the id the database gave it."""
    return conn.execute(table.insert().values(**values)).inserted_primary_key[0]


def update_each(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    unless: Callable[[dict[str, BindParameter]], ColumnElement[bool]] | None = None,
) -> None:
    """Set ``columns`` of each row of ``table`` (found by its ``id``) to that row's values, in
    one executemany; ``unless(bound)``, given the bound new values by column, is a condition a
    row must meet to change (a moment that never moves back)."""
    if not rows:
        return
    # Bound names differ from the columns': SQLAlchemy reserves those for the SET clause.
    bound = {column: bindparam(f"new_{column}") for column in columns}
    statement = update(table).where(table.c.id == bindparam("row_id")).values(bound)
    if unless is not None:
        statement = statement.where(unless(bound))
    conn.execute(
        statement,
        [{"row_id": r["id"], **{f"new_{c}": r[c] for c in columns}} for r in rows],
    )
