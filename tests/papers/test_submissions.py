"""Submitting a paper to today's feed, as the domain sees it (fixed clock)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dailypapers.papers import submissions

pytestmark = pytest.mark.store("feed")


def test_a_submission_enters_the_feed_of_the_day_it_is_made(db, settings, carol):
    when = datetime(2025, 6, 17, 23, 59, tzinfo=UTC)
    done = submissions.submit(db, settings, carol.id, "2506.99002", now=when)
    assert (done.arxiv_id, done.feed_day, done.fetched) == ("2506.99002", when.date(), False)
    with pytest.raises(submissions.SubmissionError) as again:
        submissions.submit(db, settings, carol.id, "arxiv.org/abs/2506.99002v2", now=when)
    assert again.value.code == "duplicate" and "2025-06-17" in str(again.value)
