"""Stores made once per test session and copied for each test: the real days already imported.

A template is named and built by a builder function on first use, once per backend (per xdist
worker). Each test then gets a copy:

- SQLite: the template file, built once a run (shared by the xdist workers), copied to the
  test's folder (a few milliseconds);
- PostgreSQL: the run's database emptied and refilled from a schema holding the template's rows
  (``INSERT ... SELECT``, then the sequences moved past the copied ids): faster than importing,
  and no ``CREATE DATABASE`` per test.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock
from sqlalchemy import text

from dailypapers.db import Database, connect, migrate
from dailypapers.db.schema import metadata

Builder = Callable[[Database], None]
# Kept by triggers as rows are copied in (the change counter the caches read): never copied.
MAINTAINED = frozenset({"site_generation"})

_lock = threading.Lock()


def _columns(table) -> str:
    return ", ".join(f'"{column.name}"' for column in table.columns)


def _copied() -> list:
    return [table for table in metadata.sorted_tables if table.name not in MAINTAINED]


def empty_postgresql(database: Database) -> None:
    """Every row deleted, children first: for the few rows a test leaves, DELETE takes
    milliseconds where TRUNCATE (new files for every table) takes tens of them. One round trip:
    the statements go as one script."""
    script = "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(metadata.sorted_tables))
    with database.engine.begin() as conn:
        conn.exec_driver_sql(script)


def _fill_script(name: str) -> str:
    """The statements that copy template ``name``'s rows in and move each key's sequence past
    the copied ids, as one script."""
    statements = []
    for table in _copied():
        columns = _columns(table)
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
    return "; ".join(statements)


def run_folder(tmp_path_factory) -> Path:
    """The folder of this test run, shared by pytest-xdist's workers (each has its own below)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


class Templates:
    """Named templates of one session: SQLite files under ``folder``, PostgreSQL schemas in the
    run's database at ``postgresql_url``."""

    def __init__(self, folder: Path, builders: dict[str, Builder]):
        self.folder = folder
        self.builders = builders
        self._sqlite: dict[str, Path] = {}
        self._postgresql: set[str] = set()

    def sqlite_copy(self, name: str, target: Path) -> str:
        with _lock:
            if name not in self._sqlite:
                self._sqlite[name] = self._build_sqlite(name)
        shutil.copy(self._sqlite[name], target)
        return f"sqlite:///{target}"

    def _build_sqlite(self, name: str) -> Path:
        """The template's file, built by the first xdist worker that needs it (the folder is
        the run's, shared; a file lock keeps the others waiting, then they copy it too)."""
        path = self.folder / f"{name}.sqlite3"
        with FileLock(str(path) + ".lock"):
            if path.exists():
                return path
            building = path.with_suffix(".building")
            database = connect(f"sqlite:///{building}")
            migrate.upgrade(database)
            self.builders[name](database)
            with database.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            database.dispose()
            building.replace(path)
        return path

    def postgresql_fill(self, name: str, url: str) -> str:
        database = connect(url, pool_size=1)
        try:
            with _lock:
                if name not in self._postgresql:
                    self._build_postgresql(name, database)
                    self._postgresql.add(name)
            empty_postgresql(database)
            with database.engine.begin() as conn:
                conn.exec_driver_sql(_fill_script(name))
        finally:
            database.dispose()
        return url

    def _build_postgresql(self, name: str, database: Database) -> None:
        empty_postgresql(database)
        self.builders[name](database)
        with database.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "tpl_{name}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "tpl_{name}"'))
            for table in _copied():
                conn.execute(
                    text(
                        f'CREATE TABLE "tpl_{name}"."{table.name}" AS '
                        f'SELECT {_columns(table)} FROM "{table.name}"'
                    )
                )
