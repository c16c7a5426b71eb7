"""What every entity's module does alike with one row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table


def inserted_id(conn: Connection, table: Table, values: Mapping[str, Any]) -> int:
    """A row of ``values`` inserted into ``table``: the id the database gave it."""
    return conn.execute(table.insert().values(**values)).inserted_primary_key[0]
