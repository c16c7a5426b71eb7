"""Submitting a paper to today's feed, as the domain sees it (fixed clock)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dailypapers.papers import lookups, submissions
from tests.support import replay

pytestmark = pytest.mark.store("feed")


def test_a_submission_enters_the_feed_of_the_day_it_is_made(db, settings, carol):
    when = datetime(2025, 6, 17, 23, 59, tzinfo=UTC)
    done = submissions.submit(db, settings, carol.id, "2506.99002", now=when)
    assert (done.arxiv_id, done.feed_day, done.fetched) == ("2506.99002", when.date(), False)
    with pytest.raises(submissions.SubmissionError) as again:
        submissions.submit(db, settings, carol.id, "arxiv.org/abs/2506.99002v2", now=when)
    assert again.value.code == "duplicate" and "2025-06-17" in str(again.value)


def test_it_refuses_a_submission_once_the_submitters_failed_lookups_are_used_up(
    db, settings, carol, arxiv_api_replay, arxiv_api_server
):
    unknown = [f"2501.{n:05d}" for n in range(1, lookups.MISSES.limit + 1)]
    replay.unknown_to_arxiv(arxiv_api_replay, *unknown)
    asking = settings.model_copy(update={"arxiv_api_url": arxiv_api_server})
    for arxiv_id in unknown:
        with pytest.raises(submissions.SubmissionError) as missing:
            submissions.submit(db, asking, carol.id, arxiv_id)
        assert missing.value.code == "not_found"
    with pytest.raises(submissions.SubmissionError) as refused:
        submissions.submit(db, asking, carol.id, "1605.08386")  # on arXiv, but carol must wait
    assert refused.value.code == "lookup" and 0 < refused.value.retry_after <= 3600
    assert str(refused.value).startswith("Too many lookups of papers arXiv does not have.")
    assert not arxiv_api_replay.requests_to(id_list="1605.08386")
