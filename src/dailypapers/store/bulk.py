"""Rows written many thousand at a time, for imports: new papers and their author and link rows.

SQLAlchemy's executemany costs more in Python per row than the database spends storing it (a
bind processor call and the storable check per value, compiled per batch). Here each column's
conversion is looked up once per batch, the rows go to the driver as plain tuples: SQLite's
``executemany`` in the caller's transaction, PostgreSQL's ``COPY ... FROM STDIN``. The values
stored are the ones SQLAlchemy would store (its own bind processors on SQLite; JSON text, aware
times and NUL-free, encodable strings on both), and a row the database refuses raises
SQLAlchemy's IntegrityError or DataError as any other write would, so a caller's savepoint
handles it the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, String, Table, select
from sqlalchemy.exc import DataError, IntegrityError

from dailypapers.db.engine import storable
from dailypapers.db.schema import paper_authors, paper_links, papers
from dailypapers.store.keys import chunks

Convert = Callable[[Any], Any]


def insert_papers(conn: Connection, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert new papers (every row with the same columns); their ids keyed by arXiv id."""
    if not rows:
        return {}
    _insert(conn, papers, rows)
    return ids_of(conn, [row["arxiv_id"] for row in rows])


def insert_authors(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Author rows (paper_id, position, name, name_key, surname_key) of papers that have none."""
    _insert(conn, paper_authors, rows)


def insert_links(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Link rows (paper_id, position, url, kind, source) of papers that have none."""
    _insert(conn, paper_links, rows)


def ids_of(conn: Connection, arxiv_ids: Iterable[str]) -> dict[str, int]:
    """{arXiv id: paper id} for the stored ones among ``arxiv_ids``."""
    found: dict[str, int] = {}
    query = select(papers.c.arxiv_id, papers.c.id)
    for chunk in chunks(list(set(arxiv_ids))):
        found.update(conn.execute(query.where(papers.c.arxiv_id.in_(chunk))).all())
    return found


def _insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    converts = [_convert(conn, table, column) for column in columns]
    values = (
        tuple(
            v if f is None else f(v) for f, v in zip(converts, map(row.get, columns), strict=True)
        )
        for row in rows
    )
    names = ", ".join(columns)
    dbapi = conn.dialect.dbapi
    raw = conn.connection.driver_connection
    statement = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})"
    try:
        if conn.dialect.name == "postgresql":
            statement = f"COPY {table.name} ({names}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in values:
                    copy.write_row(row)
        else:
            raw.cursor().executemany(statement, values)
    except dbapi.IntegrityError as error:
        raise IntegrityError(statement, None, error) from None
    except dbapi.DataError as error:
        raise DataError(statement, None, error) from None


def _convert(conn: Connection, table: Table, column: str) -> Convert | None:
    """What one column's values become for the driver, or None when they go as they are."""
    kind = table.c[column].type
    dialect = conn.dialect
    if isinstance(kind, String):
        return _storable_text
    if isinstance(kind, JSON) or isinstance(kind.dialect_impl(dialect), JSON):
        return _json
    if dialect.name == "postgresql":
        return None  # psycopg sends dates, aware times and numbers as they are
    return kind.dialect_impl(dialect).bind_processor(dialect)


def _storable_text(value: str | None) -> str | None:
    if value is None or (value.isascii() and "\x00" not in value):
        return value
    return storable(value)


def _json(value: Any) -> str:
    """JSON text as the engine's serializer writes it; None is JSON ``null``, as SQLAlchemy's
    JSON columns store it (not SQL NULL)."""
    return orjson.dumps(storable(value)).decode()
