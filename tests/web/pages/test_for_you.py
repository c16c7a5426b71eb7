"""The "for you" page: both parts with their reasons, 👍/👎 by htmx or a plain form, and the
digest's signed 👍/👎 links (a GET shows a button; only its POST records)."""

from __future__ import annotations

import re

import pytest

from dailypapers.digest import subscriptions
from dailypapers.papers import voting
from dailypapers.recommend import feedback
from dailypapers.recommend.positives import positives_of
from tests.support import web

pytestmark = pytest.mark.store("search")

LIKED = "2506.08007"


@pytest.fixture
def settings(settings, model_dir):
    """The session's model folder, so nothing here would ever export the model again."""
    return settings.model_copy(update={"search_model_dir": model_dir})


def _marks(db, user) -> dict[int, str]:
    with db.read() as conn:
        return positives_of(conn, [user.id])[user.id].marked


def test_the_page_shows_both_parts_with_reasons_and_takes_a_thumbs_down(
    db, alice, as_user, indexed
):
    voting.upvote(db, alice.id, LIKED)
    reader = as_user(alice)
    page = reader.get("/for-you").text
    assert "New for you" in page and "From the archive" in page
    assert page.count("Why this paper: Close to") >= 2
    target = web.csrf_token_of(page)
    first = _cards(page)[0]
    answer = reader.post(
        f"/papers/{first}/feedback",
        data={"choice": "disliked", "next": "/for-you", "csrf_token": target},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/for-you"
    assert first not in _cards(reader.get("/for-you").text)
    swapped = reader.post(
        f"/papers/{first}/feedback",
        data={"choice": "liked", "csrf_token": target},
        headers={"HX-Request": "true"},
    )
    assert swapped.status_code == 200 and "Noted: more like this" in swapped.text
    assert "<html" not in swapped.text  # a fragment for htmx to swap in
    assert set(_marks(db, alice).values()) == {"liked"}


def test_it_records_nothing_on_a_get_of_a_feedback_link(db, settings, alice, client):
    link = _link(db, settings, alice, LIKED, "disliked")
    shown = client.get(link)
    assert shown.status_code == 200 and "Fewer like this?" in shown.text
    assert _marks(db, alice) == {}  # mail scanners follow links: a GET changes nothing
    recorded = client.post(link)
    assert recorded.status_code == 200 and "Recorded" in recorded.text
    assert list(_marks(db, alice).values()) == ["disliked"]


def test_it_refuses_a_feedback_link_signed_for_bob(db, settings, alice, bob, as_user):
    link = _link(db, settings, bob, LIKED, "liked")
    forwarded = as_user(alice).post(link)  # bob's digest, forwarded to alice
    assert forwarded.status_code == 403
    token = link.rsplit("/", 1)[1]
    forged = as_user(alice).post(f"/feedback/{token[:-2]}xx")
    assert forged.status_code == 400
    assert _marks(db, alice) == {} and _marks(db, bob) == {}


def _link(db, settings, user, arxiv_id: str, choice: str) -> str:
    subscribed = subscriptions.subscribe(db, settings, user.email, user_id=user.id)
    url = feedback.link_url(settings, subscribed.subscription_id, user.email, arxiv_id, choice)
    return url.removeprefix(settings.base_url.rstrip("/"))


def _cards(page: str) -> list[str]:
    return re.findall(r'action="/papers/([\w.]+)/feedback"', page)
