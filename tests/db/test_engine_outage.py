"""An unreachable database is told from a mistake, and logged once per outage, not per failure."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from dailypapers.db import Database, connect
from dailypapers.db.engine import Outage, is_outage

NOWHERE = "postgresql+psycopg://nobody:nothing@127.0.0.1:9/none"  # port 9: nothing listens


def _error_of(db: Database, statement: str = "SELECT 1") -> Exception:
    with pytest.raises((DBAPIError, PoolTimeout)) as caught, db.read() as conn:
        conn.execute(text(statement))
    return caught.value


def test_it_tells_an_unreachable_database_from_a_mistake(tmp_path):
    local = connect(f"sqlite:///{tmp_path / 'site.sqlite3'}")
    assert not is_outage(_error_of(local, "SELECT * FROM no_such_table"))
    local.dispose()
    nowhere = connect(NOWHERE)
    assert is_outage(_error_of(nowhere))
    nowhere.dispose()


def test_it_counts_a_pool_with_no_free_connection_as_an_outage(tmp_path):
    engine = create_engine(
        f"sqlite:///{tmp_path / 'pool.sqlite3'}", pool_size=1, max_overflow=0, pool_timeout=0.01
    )
    db = Database(engine)
    with engine.connect():  # the only connection, held
        assert is_outage(_error_of(db))
    engine.dispose()


def test_it_logs_one_line_per_outage_not_one_per_failure(caplog):
    db = connect(NOWHERE)
    with caplog.at_level(logging.WARNING, logger="dailypapers.db.engine"):
        for _ in range(5):
            _error_of(db)
    db.dispose()
    lines = [r.getMessage() for r in caplog.records if r.name == "dailypapers.db.engine"]
    assert len(lines) == 1 and lines[0].startswith("database unreachable (OperationalError")
    assert db.outage.active and db.outage.failures == 5


def test_it_counts_a_database_flapping_as_it_shuts_down_as_one_outage(caplog):
    outage = Outage()
    refused = OSError("connection refused")
    with caplog.at_level(logging.WARNING, logger="dailypapers.db.engine"):
        outage.began(refused)
        outage.ended()  # a success right after a failure: the server is still going down
        outage.began(refused)
    assert outage.active and len(caplog.records) == 1
