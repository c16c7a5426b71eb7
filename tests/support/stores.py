"""Stores made once per test run and copied for each test: the real days already imported, and
the people the test asks for already signed up.

A template is a :class:`Recipe`: a named store (its builder function imports the days) and the
people signed up on it afterwards (:func:`tests.support.data.person`, in the order of
:data:`PEOPLE`, verified through their mailed link as anyone would be). Each recipe is built
once a run, on first use, once per backend, shared by the xdist workers through files under a
file lock (the first worker to need it builds it, the others wait, then read it). Each test then
gets a copy:

- SQLite: the template's file copied to the test's folder (a few milliseconds);
- PostgreSQL: the worker's database refilled from a schema holding the template's rows, loaded
  from the run's binary ``COPY`` of them (:mod:`tests.support.pg_rows`): faster than importing,
  and no ``CREATE DATABASE`` per test.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from dailypapers.db import Database, connect, migrate
from tests.support import data, pg_rows

Builder = Callable[[Database], None]
# The people a test may ask for by fixture name, in the order they sign up (their ids follow).
PEOPLE = ("alice", "bob", "carol")

_lock = threading.RLock()  # a recipe with people builds its store first, under the same lock


@dataclass(frozen=True)
class Recipe:
    """A template: the store ``store`` with ``people`` signed up on it."""

    store: str
    people: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The template's file and schema name: ``feed`` or ``feed+alice+bob``."""
        return "+".join((self.store, *self.people))

    @property
    def base(self) -> Recipe:
        return Recipe(self.store)


def run_folder(tmp_path_factory) -> Path:
    """The folder of this test run, shared by pytest-xdist's workers (each has its own below)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def sign_up(database: Database, people: tuple[str, ...]) -> None:
    for username in people:
        data.person(database, username)


class Templates:
    """The templates of one run: SQLite files and PostgreSQL table copies under ``folder``,
    loaded into schemas of the worker's database at ``postgresql_url``."""

    def __init__(self, folder: Path, builders: dict[str, Builder]):
        self.folder = folder
        self.builders = builders
        self._sqlite: dict[Recipe, Path] = {}
        self._postgresql: dict[Recipe, dict[str, str]] = {}  # loaded -> its tables' digests
        self._fillers: dict[str, Database] = {}  # one connection a run for each database
        # Each database's tables as the last refill left them: (digest, row count, versions).
        self._left: dict[str, dict[str, tuple]] = {}

    def sqlite_copy(self, recipe: Recipe, target: Path) -> str:
        shutil.copy(self._sqlite_file(recipe), target)
        return f"sqlite:///{target}"

    def _sqlite_file(self, recipe: Recipe) -> Path:
        with _lock:
            if recipe not in self._sqlite:
                self._sqlite[recipe] = self._build_sqlite(recipe)
            return self._sqlite[recipe]

    def _build_sqlite(self, recipe: Recipe) -> Path:
        """The template's file, built by the first xdist worker that needs it (the folder is
        the run's, shared; a file lock keeps the others waiting, then they copy it too)."""
        path = self.folder / f"{recipe.name}.sqlite3"
        with FileLock(str(path) + ".lock"):
            if path.exists():
                return path
            building = path.with_suffix(".building")
            if recipe.people:
                shutil.copy(self._build_sqlite(recipe.base), building)
                database = connect(f"sqlite:///{building}")
                sign_up(database, recipe.people)
            else:
                database = connect(f"sqlite:///{building}")
                migrate.upgrade(database)
                self.builders[recipe.store](database)
            with database.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            database.dispose()
            building.replace(path)
        return path

    def postgresql_fill(self, recipe: Recipe, url: str) -> str:
        """The database at ``url`` holding exactly the template's rows: the tables the last
        test left as the last refill made them (the same rows) are left alone, the others
        emptied and filled again."""
        if url not in self._fillers:
            self._fillers[url] = connect(url, pool_size=1)
        database = self._fillers[url]
        contents = self._postgresql_schema(recipe, database)
        with database.engine.begin() as conn:
            left = self._left.pop(url, {})
            now = {t: (contents[t], *v) for t, v in pg_rows.row_versions(conn).items()}
            kept = pg_rows.unchanged(left, now)
            pg_rows.empty(conn, kept)
            pg_rows.fill(conn, recipe.name, kept)
            versions = pg_rows.row_versions(conn)
        self._left[url] = {t: (contents[t], *v) for t, v in versions.items()}
        return url

    def close(self) -> None:
        for database in self._fillers.values():
            database.dispose()

    def _postgresql_schema(self, recipe: Recipe, database: Database) -> dict[str, str]:
        """Schema ``tpl_<name>`` of the worker's database, loaded from the run's copy of the
        template's tables (the first worker to need it builds it and writes the copy); the
        digests of its tables' rows."""
        with _lock:
            if recipe not in self._postgresql:
                folder = self.folder / f"{recipe.name}.postgresql"
                with FileLock(str(folder) + ".lock"):
                    if not folder.is_dir():
                        self._build_postgresql(recipe, database)
                    with database.engine.begin() as conn:
                        if folder.is_dir():
                            pg_rows.load(conn, recipe.name, folder)
                        else:
                            pg_rows.snapshot(conn, recipe.name)
                            pg_rows.save(conn, recipe.name, folder)
                        self._postgresql[recipe] = pg_rows.contents(conn, recipe.name)
            return self._postgresql[recipe]

    def _build_postgresql(self, recipe: Recipe, database: Database) -> None:
        """The template's rows made in the database (what the last test left there goes)."""
        self._left.clear()
        if recipe.people:
            self._postgresql_schema(recipe.base, database)
            with database.engine.begin() as conn:
                pg_rows.empty(conn)
                pg_rows.fill(conn, recipe.base.name)
            sign_up(database, recipe.people)
        else:
            with database.engine.begin() as conn:
                pg_rows.empty(conn)
            self.builders[recipe.store](database)
