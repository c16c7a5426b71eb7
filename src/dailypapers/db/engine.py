"""The engine and the two kinds of transaction every caller uses.

SQLite runs in WAL mode so readers never wait for the writer. Its write transactions start with
``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes can fail with "database is
locked" when another writer got there first, and busy_timeout does not retry that case. Read
transactions stay deferred so page views never queue behind writes. PostgreSQL needs neither trick.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA cache_size=-65536",
    "PRAGMA mmap_size=268435456",
)


class Database:
    """An engine plus ``read()`` / ``write()`` transactions. Store functions take the Connection."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def without_nul(value: Any) -> Any:
    """``value`` with NUL characters removed from every string in it (lists and dicts too)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list | tuple):
        return type(value)(without_nul(v) for v in value)
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


def _json_dumps(value: Any) -> str:
    return orjson.dumps(without_nul(value)).decode()


def _strip_nul_parameters(engine: Engine) -> None:
    """PostgreSQL refuses NUL characters in text and JSON. Any request parameter or record may
    carry one (``?submitter=%00``, a pasted comment), so every bound string loses its NULs here,
    once for all queries, on both backends alike, instead of each caller remembering to."""

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _clean(conn, cursor, statement, parameters, context, executemany):
        if isinstance(parameters, dict):
            parameters = {
                k: without_nul(v) if isinstance(v, str) else v for k, v in parameters.items()
            }
        elif isinstance(parameters, list | tuple):
            parameters = type(parameters)(
                without_nul(p) if isinstance(p, str | dict | list | tuple) else p
                for p in parameters
            )
        return statement, parameters


def connect(url: str, *, echo: bool = False, pool_size: int = 10) -> Database:
    """Create the engine for ``url`` (creating a SQLite file's folder) with backend tuning."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
            pool_size=pool_size,
            max_overflow=2 * pool_size,
        )
        _tune_sqlite(engine)
    else:
        engine = create_engine(
            url,
            echo=echo,
            pool_size=pool_size,
            max_overflow=2 * pool_size,
            pool_pre_ping=True,
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
        )
    _strip_nul_parameters(engine)
    return Database(engine)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control away from the sqlite3 module so BEGIN is ours (see module doc).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")
