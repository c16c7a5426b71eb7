"""Migrations produce exactly the schema the code queries, and upgrade/downgrade cleanly."""

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dailypapers.db import connect, migrate
from dailypapers.db.schema import FULL_TEXT_COLUMNS, FULL_TEXT_TABLES, metadata


def _not_full_text(obj, name, type_, reflected, compare_to):
    """The full-text index objects the search migration creates outside the metadata, and the
    paper-day index of migration 0016 (spelt per backend)."""
    if type_ == "table" and name in FULL_TEXT_TABLES:
        return False
    if type_ == "column" and (obj.table.name, name) in FULL_TEXT_COLUMNS:
        return False
    return not (type_ == "index" and name in ("ix_papers_search_document", "ix_papers_day_order"))


def test_it_migrates_to_exactly_the_schema_in_code(db):
    with db.engine.connect() as conn, warnings.catch_warnings():
        # Alembic cannot compare expression indexes (lower(username)); it says so in a warning.
        warnings.simplefilter("ignore")
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _not_full_text}
        )
        differences = compare_metadata(context, metadata)
    assert differences == []
    assert migrate.is_up_to_date(db)


def test_it_downgrades_to_nothing_and_upgrades_again(tmp_path):
    database = connect(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    migrate.upgrade(database)
    migrate.downgrade(database, "base")
    assert migrate.current_revision(database) is None
    migrate.upgrade(database)
    assert migrate.is_up_to_date(database)
