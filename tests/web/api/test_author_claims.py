"""Claimed authors in the API: an author an account holds carries upstream's ``user`` and
``status: claimed_verified`` in every paper shape and in ``/api/authors/{name}``, looked up once
for a page of papers however many names are claimed."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import event

from dailypapers.authors import claims
from dailypapers.papers import catalog
from dailypapers.web.api.models import AuthorPapers, DailyEntry, Paper
from tests.support import data

pytestmark = pytest.mark.store("feed")


@pytest.fixture
def alice_holds_ceyuan(db, alice, carol):
    admin = data.admin(db, carol)
    claims.approve(db, admin, claims.claim(db, alice, "Ceyuan Yang").id)
    return alice


def _claimed(paper: dict) -> dict[str, dict]:
    return {a["name"]: a for a in paper["authors"] if "user" in a}


def test_a_claimed_authors_page_names_the_account(client, alice_holds_ceyuan):
    body = client.get("/api/authors/" + quote("Yang, Ceyuan", safe="")).json()
    AuthorPapers.model_validate(body)
    assert body["status"] == "claimed_verified"
    assert body["user"]["user"] == body["user"]["name"] == "alice"
    assert all(set(_claimed(p)) == {"Ceyuan Yang"} for p in body["papers"])


def test_an_unclaimed_author_has_no_user_nor_status(client, alice_holds_ceyuan):
    body = client.get("/api/authors/" + quote("Jianwen Jiang", safe="")).json()
    assert "user" not in body and "status" not in body


def test_every_paper_shape_marks_the_claimed_author(client, db, alice_holds_ceyuan):
    paper = client.get("/api/papers/2506.09984").json()
    Paper.model_validate(paper)
    (claimed,) = _claimed(paper).values()
    assert claimed["name"] == "Ceyuan Yang" and claimed["status"] == "claimed_verified"
    assert claimed["user"]["name"] == "alice"
    day = catalog.card(db, "2506.09984").feed_day
    if day is not None:
        entries = client.get(f"/api/daily_papers?date={day.isoformat()}").json()
        ours = next(e for e in entries if e["paper"]["id"] == "2506.09984")
        DailyEntry.model_validate(ours)
        assert _claimed(ours["paper"]) == _claimed(paper)
    listed = client.get("/api/papers?limit=100").json()
    assert any(_claimed(p) for p in listed)


def test_a_revoked_name_is_no_longer_marked(client, db, alice_holds_ceyuan, carol):
    (held,) = claims.queue(db, data.admin(db, carol))[1]
    claims.decide(db, data.admin(db, carol), held.id, "revoke", "Not her after all")
    assert _claimed(client.get("/api/papers/2506.09984").json()) == {}


def _statements(db, run) -> int:
    seen = []

    def count(*_args) -> None:
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_it_looks_up_the_holders_of_a_page_in_one_query(client, db, alice, bob, carol):
    page = lambda: client.get("/api/papers?limit=100").json()  # noqa: E731 - a one-line probe
    before = _statements(db, page)
    admin = data.admin(db, carol)
    for user, name in [(alice, "Ceyuan Yang"), (alice, "Jianwen Jiang"), (bob, "Trent Trusted")]:
        claims.approve(db, admin, claims.claim(db, user, name).id)
    assert sum(len(_claimed(p)) for p in page()) >= 3
    assert _statements(db, page) == before
