"""What the migration tests share: a database of the test's own."""

from __future__ import annotations

import os

import pytest

from dailypapers.db import connect
from tests.conftest import BACKENDS
from tests.support import pg


@pytest.fixture(params=BACKENDS)
def old_store(request, tmp_path):
    """A new, empty database of this test's own, which the test migrates to the revision before
    the one it checks (a backfill needs rows stored before its migration ran)."""
    if request.param == "sqlite":
        yield connect(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        return
    if os.environ.get("DAILYPAPERS_TEST_POSTGRESQL_URL"):
        pytest.skip("needs a database of its own, not the one given to the suite")
    url, name = pg.create_database()
    database = connect(url)
    yield database
    database.dispose()
    pg.drop_database(name)
