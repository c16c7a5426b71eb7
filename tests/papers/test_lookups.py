"""Looking papers up on arXiv for people: the negative cache, one lookup at a time per person and
the quota on failed lookups, against the replay of arXiv's real answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from dailypapers.papers import lookups
from tests.support import replay

# Well-formed ids arXiv has no paper for (the replay answers them as arXiv answers such an id).
UNKNOWN = [f"2501.{n:05d}" for n in range(99980, 99999)]
KNOWN = "1605.08386"  # recorded: a real paper


@pytest.fixture
def arxiv(settings, arxiv_api_replay, arxiv_api_server):
    """Settings asking the replay of arXiv, which knows KNOWN and none of UNKNOWN."""
    replay.unknown_to_arxiv(arxiv_api_replay, *UNKNOWN)
    return settings.model_copy(update={"arxiv_api_url": arxiv_api_server})


def test_it_indexes_a_paper_arxiv_has(db, arxiv, alice):
    found = lookups.index(db, arxiv, f"https://arxiv.org/abs/{KNOWN}v1", user_id=alice.id)
    assert found.arxiv_id == KNOWN and found.title


def test_it_answers_a_repeated_unknown_id_from_the_negative_cache(
    db, arxiv, alice, bob, arxiv_api_replay
):
    unknown = UNKNOWN[0]
    asked = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for who, when in ((alice, asked), (alice, asked), (bob, asked.replace(hour=20))):
        with pytest.raises(lookups.NotOnArxiv):
            lookups.index(db, arxiv, unknown, user_id=who.id, now=when)
    assert len(arxiv_api_replay.requests_to(id_list=unknown)) == 1
    with db.read() as conn:  # the answers from the cache cost nobody a failed lookup
        assert lookups.quotas.remaining(conn, lookups.MISSES, str(alice.id), asked) == (
            lookups.MISSES.limit - 1
        )
        assert lookups.quotas.remaining(conn, lookups.MISSES, str(bob.id), asked) == (
            lookups.MISSES.limit
        )
    a_day_later = asked + lookups.MISS_LIFETIME
    with pytest.raises(lookups.NotOnArxiv):
        lookups.index(db, arxiv, unknown, user_id=alice.id, now=a_day_later)
    assert len(arxiv_api_replay.requests_to(id_list=unknown)) == 2


def test_it_limits_failed_lookups_per_user(db, arxiv, alice, bob, arxiv_api_replay):
    when = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for unknown in UNKNOWN[: lookups.MISSES.limit]:
        with pytest.raises(lookups.NotOnArxiv):
            lookups.index(db, arxiv, unknown, user_id=alice.id, now=when)
    asked_before = len(arxiv_api_replay.requests)
    for arxiv_id in (UNKNOWN[lookups.MISSES.limit], KNOWN):
        with pytest.raises(lookups.TooManyMisses) as refused:
            lookups.index(db, arxiv, arxiv_id, user_id=alice.id, now=when)
        assert "Too many lookups of papers arXiv does not have" in str(refused.value)
        assert 0 < refused.value.retry_after <= lookups.MISSES.window.total_seconds()
    assert len(arxiv_api_replay.requests) == asked_before  # refused without asking arXiv
    assert lookups.index(db, arxiv, KNOWN, user_id=bob.id, now=when).arxiv_id == KNOWN
    later = when + lookups.MISSES.window
    assert lookups.index(db, arxiv, KNOWN, user_id=alice.id, now=later).arxiv_id == KNOWN


def test_it_refuses_a_second_lookup_while_one_of_the_same_user_is_under_way(
    db, arxiv, alice, arxiv_api_replay
):
    asking, answering = replay.held(arxiv_api_replay, replay.ARXIV_API_PATH, replay.id_query(KNOWN))
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(lookups.index, db, arxiv, KNOWN, user_id=alice.id)
        try:
            assert asking.wait(30)
            with pytest.raises(lookups.LookupUnderWay) as refused:
                lookups.index(db, arxiv, UNKNOWN[0], user_id=alice.id)
            assert "still under way" in str(refused.value) and refused.value.retry_after > 0
        finally:
            answering.set()
        assert first.result(30).arxiv_id == KNOWN
    assert not arxiv_api_replay.requests_to(id_list=UNKNOWN[0])  # refused before asking
    with pytest.raises(lookups.NotOnArxiv):  # the claim ended with the lookup
        lookups.index(db, arxiv, UNKNOWN[0], user_id=alice.id)
