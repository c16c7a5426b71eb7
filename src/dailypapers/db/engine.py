"""The engine and the two kinds of transaction every caller uses.

SQLite runs in WAL mode so readers never wait for the writer. Its write transactions start with
``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes can fail with "database is
locked" when another writer got there first, and busy_timeout does not retry that case. Read
transactions stay deferred so page views never queue behind writes. PostgreSQL needs neither trick.

An unreachable database (refused or reset connections, a server shutting down or starting up,
no pooled connection free in time) is an outage, not a bug: :func:`is_outage` tells one from
other errors, and each :class:`Database` logs one line when an outage begins and one when a
transaction succeeds again (:class:`Outage`), never a traceback per request. Recovery needs
nothing: PostgreSQL engines ping a pooled connection before lending it and reconnect.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA cache_size=-65536",
    "PRAGMA mmap_size=268435456",
)
# A PostgreSQL host that vanished (packets dropped, nothing refused) fails a connection attempt
# after this many seconds instead of the kernel's two minutes, so requests get their 503 quickly.
CONNECT_TIMEOUT = 5
# The SQLite errors that mean the file cannot be used right now; its other OperationalErrors
# ("no such table", syntax) are mistakes, not outages.
SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk i/o error")
# The PostgreSQL driver's OperationalError is always about the server or the connection
# (refused, reset, shutting down, starting up, a statement cancelled); the pool's TimeoutError
# means no connection came free in time.
OUTAGE_ERRORS = (sa_exc.DisconnectionError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def is_outage(error: BaseException | None) -> bool:
    """True when ``error`` (or what caused it) says the database cannot be reached right now."""
    for _ in range(8):  # a cause chain is short; this bounds a cyclic one
        if error is None:
            return False
        if isinstance(error, OUTAGE_ERRORS):
            return True
        if isinstance(error, sa_exc.OperationalError):
            if error.connection_invalidated or not _is_sqlite(error):
                return True
            return str(error.orig).lower().startswith(SQLITE_UNAVAILABLE)
        error = error.__cause__ or error.__context__
    return False


def _is_sqlite(error: sa_exc.DBAPIError) -> bool:
    return type(error.orig).__module__.startswith("sqlite3")


def _summary(error: BaseException) -> str:
    """The driver's first line about ``error``, short enough for one log line."""
    orig = getattr(error, "orig", None) or error
    lines = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {lines[0][:200] if lines else ''}"


# An outage ends with a success this long after its latest failure: a server shutting down
# (or starting up) answers some connections and refuses others for a moment, and that is one
# outage, not several.
SETTLE_SECONDS = 1.0


class Outage:
    """Whether this process finds its database unreachable. Logs one warning when an outage
    begins and one when it ends; what fails in between is only counted."""

    def __init__(self) -> None:
        self.since: float | None = None  # time.monotonic() of the first failure
        self.latest = 0.0  # time.monotonic() of the latest failure
        self.failures = 0
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        return self.since is not None

    def began(self, error: BaseException) -> None:
        with self._lock:
            self.failures += 1
            self.latest = time.monotonic()
            if self.since is not None:
                return
            self.since = self.latest
            self.failures = 1
        log.warning(
            "database unreachable (%s): answering 503 until it answers again", _summary(error)
        )

    def ended(self) -> None:
        if self.since is None:  # the common case: one attribute read per transaction
            return
        with self._lock:
            now = time.monotonic()
            if self.since is None or now - self.latest < SETTLE_SECONDS:
                return
            seconds, failures = now - self.since, self.failures
            self.since = None
        log.warning(
            "database reachable again after %.1f s (%d failed attempts meanwhile)",
            seconds,
            failures,
        )


class Database:
    """An engine plus ``read()`` / ``write()`` transactions. Store functions take the Connection."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.outage = Outage()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._watched(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self._watched(), self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    @contextmanager
    def _watched(self) -> Iterator[None]:
        """A transaction, telling :attr:`outage` when it failed for want of a database and
        when one succeeded."""
        try:
            yield
        except Exception as error:
            if is_outage(error):
                self.outage.began(error)
            raise
        self.outage.ended()

    def dispose(self) -> None:
        self.engine.dispose()


def storable(value: Any) -> Any:
    """``value`` as both backends can store it, every string in it (lists and dicts too) without
    NUL characters, and with each lone surrogate (``"\\ud800"``, which has no UTF-8 form)
    replaced by U+FFFD."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        if value.isascii():
            return value
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, list | tuple):
        return type(value)(storable(v) for v in value)
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    return value


def _json_dumps(value: Any) -> str:
    return orjson.dumps(storable(value)).decode()


def _storable_parameters(engine: Engine) -> None:
    """PostgreSQL refuses NUL characters in text and JSON, and neither backend's driver can
    encode a lone surrogate. Any request parameter or record may carry one (``?submitter=%00``,
    a pasted comment, ``"\\ud800"`` in JSON), so every bound string is made storable here, once
    for all queries, on both backends alike, instead of each caller remembering to."""

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _clean(conn, cursor, statement, parameters, context, executemany):
        if isinstance(parameters, dict):
            parameters = {
                k: storable(v) if isinstance(v, str) else v for k, v in parameters.items()
            }
        elif isinstance(parameters, list | tuple):
            parameters = type(parameters)(
                storable(p) if isinstance(p, str | dict | list | tuple) else p for p in parameters
            )
        return statement, parameters


def connect(url: str, *, echo: bool = False, pool_size: int = 10) -> Database:
    """Create the engine for ``url`` (creating a SQLite file and its folder) with backend
    tuning."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _create_private(Path(parsed.database))
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
        connect_args = (
            {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT}
        )
        engine = create_engine(
            url,
            echo=echo,
            connect_args=connect_args,
            pool_size=pool_size,
            max_overflow=2 * pool_size,
            pool_pre_ping=True,
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
        )
    _storable_parameters(engine)
    return Database(engine)


def _create_private(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600, whatever the umask) unless it
    exists: it holds password hashes and mail addresses. SQLite gives its -wal and -shm files the
    database file's permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


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
        statement = f"BEGIN {conn.get_execution_options().get('sqlite_begin', 'DEFERRED')}"
        # Straight to the driver: through SQLAlchemy's execution context the BEGIN cost more
        # than the page's own queries (about 0.2 ms of every transaction). Its errors are
        # wrapped as SQLAlchemy's would be, so a locked or missing file is still an outage.
        try:
            conn.connection.driver_connection.execute(statement)
        except sqlite3.Error as error:
            raise sa_exc.DBAPIError.instance(statement, None, error, sqlite3.Error) from error
