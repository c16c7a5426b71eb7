"""PostgreSQL for the test suite: start Debian's cluster, make a role, one throwaway database a run.

``DAILYPAPERS_TEST_POSTGRESQL_URL`` points the suite at a server you already run (its database is
used as given and emptied between tests); otherwise the local ``15/main`` cluster is started with
``pg_ctlcluster`` and a database named after the run is created, then dropped at the end.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time

import psycopg

ROLE = "dailypapers_test"
PASSWORD = "dailypapers_test"
ADMIN_URL = f"postgresql://{ROLE}:{PASSWORD}@127.0.0.1:5432/postgres"


class Unavailable(RuntimeError):
    pass


def _as_postgres(sql: str) -> None:
    runner = (
        ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else ["sudo", "-u", "postgres"]
    )
    subprocess.run(
        [*runner, "psql", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
        text=True,
    )


def start_local_cluster() -> None:
    if shutil.which("pg_ctlcluster") is None:
        raise Unavailable("pg_ctlcluster not found (apt-get install postgresql-15)")
    status = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    if " online " not in status:
        started = subprocess.run(
            ["pg_ctlcluster", "15", "main", "start"], capture_output=True, text=True
        )
        if started.returncode != 0 and "already running" not in started.stderr:
            raise Unavailable(f"pg_ctlcluster 15 main start failed: {started.stderr.strip()}")
    deadline = time.monotonic() + 30
    while True:
        ready = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"], capture_output=True)
        if ready.returncode == 0:
            break
        if time.monotonic() > deadline:
            raise Unavailable("PostgreSQL did not accept connections within 30 s")
        time.sleep(0.2)
    _as_postgres(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN "
        f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'; END IF; END $$;"
    )


def create_database() -> tuple[str, str]:
    """(SQLAlchemy URL, database name) of a new empty database for this run."""
    given = os.environ.get("DAILYPAPERS_TEST_POSTGRESQL_URL")
    if given:
        return given, ""
    start_local_cluster()
    name = f"dailypapers_test_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        # A throwaway database need not wait for its WAL to reach the disk at each commit (what
        # a commit makes visible, and when, is unchanged); a test's many small transactions then
        # cost CPU, not fsyncs.
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return f"postgresql+psycopg://{ROLE}:{PASSWORD}@127.0.0.1:5432/{name}", name


def drop_database(name: str) -> None:
    """Drop a run's database. An autovacuum worker (a superuser process our role may not
    terminate) can be busy in it for a moment, so a refused drop is tried again briefly."""
    if not name:
        return
    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
