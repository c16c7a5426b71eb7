"""Readiness checks at the domain level: a schema behind the code's migrations is not ready."""

from __future__ import annotations

from dailypapers.config import Settings
from dailypapers.db import connect, migrate
from dailypapers.operations import health


def test_it_is_not_ready_on_a_schema_behind_the_code_and_says_how_to_fix_it(tmp_path):
    db = connect(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate.upgrade(db, "0013")
    found = health.readiness(db, Settings(data_dir=tmp_path))
    db.dispose()
    assert not found.ready and found.failing == ["migrations"]
    migrations = next(check for check in found.checks if check.name == "migrations")
    assert "at 0013" in migrations.detail and "dailypapers db upgrade" in migrations.detail
