"""The database's change counter, which keys the page and API caches."""

from __future__ import annotations

from dailypapers.papers.changes import ChangeCounter
from tests.support import data


def test_it_moves_when_anything_is_written(db):
    counter = ChangeCounter(db, recheck=0)
    before = counter.current()
    assert counter.current() == before  # nothing written: the same
    data.person(db, "alice")
    assert counter.current() != before
    counter.close()


def test_it_rereads_postgresqls_counter_only_every_recheck_seconds(db):
    throttled = ChangeCounter(db, recheck=3600)
    eager = ChangeCounter(db, recheck=0)
    before = throttled.current()
    assert eager.current() == before or db.is_sqlite  # SQLite counts per connection
    data.person(db, "alice")  # bumps the counter
    if db.is_sqlite:
        # SQLite's data_version costs microseconds and no round trip: read on every request.
        assert throttled.is_cheap and throttled.current() != before
    else:
        assert throttled.is_cheap and throttled.current() == before
        assert eager.current() != before
        throttled.recheck = 0
        assert throttled.current() == eager.current()
    throttled.close()
    eager.close()
