"""Watching a paper: a new arXiv version, a new link and others' visible comments are news,
read from the papers as they are; the digest's news is told once. Attacks as tests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from dailypapers.papers import discussion
from dailypapers.watching import news, service
from dailypapers.watching.records import NoSuchPaper, TooManyWatches
from tests.support import data

ARXIV_ID = "2606.00101"
FIRST = dataclasses.replace(data.paper(ARXIV_ID, "Watched Work"), version=1)


@pytest.fixture
def paper(db):
    data.store(db, FIRST)
    return FIRST


def _comment(db, user, text="A thought.") -> int:
    return discussion.post(db, user.id, ARXIV_ID, text, limits=discussion.UNLIMITED).id


def _kinds(db, user) -> list[str]:
    return [change.kind for change in service.changes(db, user)[1]]


def _untold(db, user):
    with db.read() as conn:
        return news.untold(conn, [user.id]).get(user.id, [])


def test_watching_twice_is_one_watch_and_unwatching_ends_it(db, alice, paper):
    assert service.watch(db, alice, ARXIV_ID) and service.watch(db, alice, f"{ARXIV_ID}v1")
    assert [w.arxiv_id for w in service.watched(db, alice)] == [ARXIV_ID]
    assert service.is_watching(db, alice, ARXIV_ID)
    assert service.unwatch(db, alice, ARXIV_ID) is False
    assert service.unwatch(db, alice, ARXIV_ID) is False
    assert service.watched(db, alice) == [] and not service.is_watching(db, alice, ARXIV_ID)


def test_an_unknown_paper_cannot_be_watched(db, alice):
    for arxiv_id in ("2606.99999", "not an id"):
        with pytest.raises(NoSuchPaper):
            service.watch(db, alice, arxiv_id)


def test_it_stops_at_the_per_account_limit(db, alice, paper, monkeypatch):
    data.store(db, data.paper("2606.00102", "Another"))
    monkeypatch.setattr(service, "MAX_WATCHES_PER_USER", 1)
    service.watch(db, alice, ARXIV_ID)
    with pytest.raises(TooManyWatches):
        service.watch(db, alice, "2606.00102")
    assert service.watch(db, alice, ARXIV_ID)  # what one watches already stays watchable


def test_a_new_version_and_a_new_code_link_are_news(db, alice, paper):
    service.watch(db, alice, ARXIV_ID)
    assert _kinds(db, alice) == []
    newer = dataclasses.replace(
        FIRST,
        version=2,
        updated_at=datetime(2026, 2, 1, tzinfo=UTC),
        abstract="Now with code: https://github.com/example/watched-work.",
    )
    data.store(db, newer)
    _, changes = service.changes(db, alice)
    assert sorted(c.kind for c in changes) == ["link", "version"]
    version = next(c for c in changes if c.kind == "version")
    assert version.what == "version 2 on arXiv" and version.href.endswith(f"{ARXIV_ID}v2")
    link = next(c for c in changes if c.kind == "link")
    assert link.href == "https://github.com/example/watched-work"


def test_a_comment_by_someone_else_is_news(db, alice, bob, paper):
    service.watch(db, alice, ARXIV_ID)
    comment_id = _comment(db, bob)
    [change] = service.changes(db, alice)[1]
    assert change.kind == "comment" and bob.username in change.what
    assert change.href == f"/papers/{ARXIV_ID}#comment-{comment_id}"


def test_it_does_not_notify_the_watcher_of_their_own_comment(db, alice, paper):
    service.watch(db, alice, ARXIV_ID)
    _comment(db, alice)
    assert _kinds(db, alice) == [] and _untold(db, alice) == []


def test_it_does_not_notify_of_a_hidden_comment(db, alice, bob, paper):
    service.watch(db, alice, ARXIV_ID)
    comment_id = _comment(db, bob)
    discussion.delete(db, bob, comment_id)
    assert _kinds(db, alice) == [] and _untold(db, alice) == []


def test_it_keeps_alices_news_from_bob(db, alice, bob, carol, paper):
    service.watch(db, alice, ARXIV_ID)
    _comment(db, carol)
    assert service.changes(db, bob) == ([], []) and service.watched(db, bob) == []
    assert _untold(db, bob) == []
    service.unwatch(db, bob, ARXIV_ID)  # bob's unwatch is his own: alice still watches
    assert service.is_watching(db, alice, ARXIV_ID)


def test_the_digest_tells_a_paper_that_changed_twice_once(db, alice, bob, carol, paper):
    service.watch(db, alice, ARXIV_ID)
    _comment(db, bob)
    _comment(db, carol)
    [told] = _untold(db, alice)
    assert told.arxiv_id == ARXIV_ID and told.summary() == "2 new comments"
    a_second_later = datetime.now(UTC) + timedelta(seconds=1)  # the digest's composing moment
    with db.write() as conn:
        news.mark_told(conn, [told], a_second_later)
    assert _untold(db, alice) == []
    assert len(service.changes(db, alice)[1]) == 2  # the page still shows what changed
    data.store(db, dataclasses.replace(FIRST, version=3))
    [later] = _untold(db, alice)
    assert later.summary() == "version 3 on arXiv"
