"""A PostgreSQL template's rows and a test's database: the template kept as a schema
``tpl_<name>`` of the worker's database (one table per table of ours, its columns only), written
to and read from the run's binary ``COPY`` files, and copied into the test's tables.

A refill leaves a table as it is when the last refill left the same rows there and nothing has
written to it since (nor to a table it refers to): the papers above all, whose full-text
documents PostgreSQL computes and indexes again on each insert (most of a refill's time).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from dailypapers.db.schema import metadata

# Kept by triggers as rows are copied in (the change counter the caches read): never copied,
# never emptied (its one row counts on; a test reads only its changes).
MAINTAINED = frozenset({"site_generation"})

Versions = dict[str, tuple[int, int]]


def copied() -> list:
    """Our tables but :data:`MAINTAINED`, parents before children."""
    return [table for table in metadata.sorted_tables if table.name not in MAINTAINED]


def _columns(table) -> str:
    return ", ".join(f'"{column.name}"' for column in table.columns)


def empty(conn: Connection, kept: frozenset[str] = frozenset()) -> None:
    """Every row deleted, children first, but those of the ``kept`` tables: for the few rows a
    test leaves, DELETE takes milliseconds where TRUNCATE (new files for every table) takes tens
    of them. One round trip: the statements go as one script."""
    tables = [t for t in reversed(copied()) if t.name not in kept]
    if tables:
        conn.exec_driver_sql("; ".join(f'DELETE FROM "{t.name}"' for t in tables))


def fill(conn: Connection, name: str, kept: frozenset[str] = frozenset()) -> None:
    """Template ``name``'s rows copied in (but into the ``kept`` tables, which hold them
    already) and each key's sequence moved past the copied ids, as one script."""
    statements = []
    for table in copied():
        columns = _columns(table)
        if table.name not in kept:
            statements.append(
                f'INSERT INTO "{table.name}" ({columns}) '
                f'SELECT {columns} FROM "tpl_{name}"."{table.name}"'
            )
        if "id" in table.c and table.c.id.primary_key and table.c.id.type.python_type is int:
            statements.append(
                "SELECT setval(seq, COALESCE((SELECT MAX(id) FROM "
                f'"{table.name}"), 0) + 1, false) FROM (SELECT pg_get_serial_sequence'
                f"('\"{table.name}\"', 'id') AS seq) AS s WHERE seq IS NOT NULL"
            )
    conn.exec_driver_sql("; ".join(statements))


def row_versions(conn: Connection) -> Versions:
    """Each table's row count and the sum of the ids of the transactions that wrote its rows:
    any committed insert, update or delete changes them (a new row version has a newer id)."""
    query = " UNION ALL ".join(
        f"SELECT '{t.name}', count(*), COALESCE(sum(xmin::text::bigint), 0) FROM \"{t.name}\""
        for t in copied()
    )
    return {table: (count, int(total)) for table, count, total in conn.exec_driver_sql(query)}


def contents(conn: Connection, name: str) -> dict[str, str]:
    """A digest of the rows of each table of template ``name``."""
    query = " UNION ALL ".join(
        f"SELECT '{t.name}', md5(string_agg(r::text, E'\\n' ORDER BY r::text)) "
        f'FROM (SELECT {_columns(t)} FROM "tpl_{name}"."{t.name}") AS r'
        for t in copied()
    )
    return {table: digest or "" for table, digest in conn.exec_driver_sql(query)}


def unchanged(left: dict[str, tuple], now: dict[str, tuple]) -> frozenset[str]:
    """The tables whose state (rows' digest and versions) is what the last refill ``left``,
    and whose parents are unchanged too (a parent refilled takes its children's rows along)."""
    kept: set[str] = set()
    for table in copied():
        parents = {key.column.table.name for key in table.foreign_keys} - {table.name}
        if parents <= kept and table.name in left and left[table.name] == now[table.name]:
            kept.add(table.name)
    return frozenset(kept)


def snapshot(conn: Connection, name: str) -> None:
    """Schema ``tpl_<name>`` holding the rows the database holds now."""
    create_schema(conn, name)
    for table in copied():
        conn.exec_driver_sql(
            f'INSERT INTO "tpl_{name}"."{table.name}" SELECT {_columns(table)} FROM "{table.name}"'
        )


def create_schema(conn: Connection, name: str) -> None:
    """An empty schema ``tpl_<name>`` with a table for each copied table (its columns only)."""
    conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "tpl_{name}" CASCADE')
    conn.exec_driver_sql(f'CREATE SCHEMA "tpl_{name}"')
    for table in copied():
        conn.exec_driver_sql(
            f'CREATE TABLE "tpl_{name}"."{table.name}" AS '
            f'SELECT {_columns(table)} FROM "{table.name}" WITH NO DATA'
        )


def save(conn: Connection, name: str, folder: Path) -> None:
    """Each table of schema ``tpl_<name>`` as a binary COPY file in ``folder`` (written whole
    under another name first, so a reader never sees half of it)."""
    building = folder.with_suffix(".building")
    building.mkdir()
    cursor = conn.connection.driver_connection.cursor()
    for table in copied():
        sql = f'COPY "tpl_{name}"."{table.name}" TO STDOUT (FORMAT binary)'
        with open(building / table.name, "wb") as out, cursor.copy(sql) as copy:
            for chunk in copy:
                out.write(chunk)
    building.replace(folder)


def load(conn: Connection, name: str, folder: Path) -> None:
    """Schema ``tpl_<name>`` from the COPY files of :func:`save`."""
    create_schema(conn, name)
    cursor = conn.connection.driver_connection.cursor()
    for table in copied():
        sql = f'COPY "tpl_{name}"."{table.name}" FROM STDIN (FORMAT binary)'
        with cursor.copy(sql) as copy:
            copy.write((folder / table.name).read_bytes())
