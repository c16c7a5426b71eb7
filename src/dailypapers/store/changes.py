"""The database's change counter: SQLite's ``data_version``, PostgreSQL's ``site_generation``."""

from __future__ import annotations

import sqlite3

from sqlalchemy import Connection, Engine, text


class DataVersion:
    """``PRAGMA data_version`` on a private read-only connection of a SQLite file.

    Values are per connection: a reopened connection starts a new series, so each value is
    returned with this connection's generation to keep two series apart.
    """

    def __init__(self, path: str):
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._opened = 0

    @classmethod
    def for_engine(cls, engine: Engine) -> DataVersion | None:
        """None for an in-memory database (a private connection would see another one)."""
        path = engine.url.database
        return None if not path or path == ":memory:" else cls(path)

    def read(self) -> tuple[int, int]:
        if self._conn is None:
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._opened += 1
        return self._opened, self._conn.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def site_generation(conn: Connection) -> int:
    return conn.execute(text("SELECT n FROM site_generation WHERE id = 1")).scalar_one()
