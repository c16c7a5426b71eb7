"""Voting, commenting and submitting over HTTP, with htmx and without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from dailypapers.store import comments as comment_store
from dailypapers.store import papers as paper_store
from dailypapers.store import votes as vote_store
from tests.support.corpora import UNLISTED_ID
from tests.support.web import csrf_token_of, page_token

HTMX = {"HX-Request": "true"}


def count_on(html: str, paper_db_id: int) -> int:
    block = html.split(f'id="vote-{paper_db_id}"', 1)[1]
    return int(re.search(r'<span class="count">([\d,]+)</span>', block).group(1).replace(",", ""))


def paper_id(db, arxiv_id: str) -> int:  # noqa: ANN001
    with db.read() as conn:
        return paper_store.get(conn, arxiv_id)["id"]


# -- sign-in required ----------------------------------------------------------------------------


@pytest.mark.parametrize("path, data", [
    ("/papers/2506.08007/vote", {"vote": "up", "next": "/papers/date/2025-06-10#p1"}),
    ("/papers/2506.08007/comments", {"body": "hello"}),
    ("/submit", {"paper": "2506.08007"}),
])
def test_it_sends_a_signed_out_action_to_sign_in_and_back(client, path, data):
    response = client.post(path, data=data, headers={"Referer": "http://testserver/papers"},
                           follow_redirects=False)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/signin"
    back = parse_qs(location.query)["next"][0]
    assert back == data.get("next", "/papers")


def test_it_asks_htmx_to_load_the_sign_in_page_for_a_signed_out_vote(client):
    response = client.post("/papers/2506.08007/vote", data={"next": "/papers"},
                           headers=HTMX, follow_redirects=False)
    assert response.headers["hx-redirect"] == "/signin?next=/papers"


def test_it_sends_a_signed_out_reader_of_the_submit_page_to_sign_in(client):
    response = client.get("/submit?paper=2506.08007", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/submit%3Fpaper%3D2506.08007"


def test_it_comes_back_to_the_page_after_signing_in_from_a_vote_link(client):
    from tests.support.web import sign_up

    sign_up(client, "alice")
    client.post("/signout", data={"csrf_token": page_token(client)})
    signin = client.get("/signin?next=/papers/date/2025-06-10%23p5")
    assert 'name="next" value="/papers/date/2025-06-10#p5"' in signin.text


# -- votes ------------------------------------------------------------------------------------------


def test_it_counts_a_vote_once_however_often_it_is_sent(alice, db, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    pid = paper_id(db, "2506.08007")
    for _ in range(3):
        response = alice_client.post("/papers/2506.08007/vote",
                              data={"csrf_token": token, "vote": "up", "next": "/papers"},
                              follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/papers"
    with db.read() as conn:
        assert vote_store.local_count(conn, pid) == 1
    assert count_on(alice_client.get("/papers/2506.08007").text, pid) == 98


def test_it_swaps_the_vote_button_for_htmx_and_can_take_the_vote_back(alice, db, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    pid = paper_id(db, "2506.08007")
    up = alice_client.post("/papers/2506.08007/vote", headers={**HTMX, "X-CSRF-Token": token},
                    data={"vote": "up", "next": "/papers/date/2025-06-10#p1"})
    assert up.status_code == 200
    assert up.text.strip().startswith(f'<form class="vote-form" id="vote-{pid}"')
    assert "<html" not in up.text
    assert 'aria-pressed="true"' in up.text and count_on(up.text, pid) == 98
    assert 'name="vote" value="none"' in up.text
    assert 'name="next" value="/papers/date/2025-06-10"' in up.text
    down = alice_client.post("/papers/2506.08007/vote", headers={**HTMX, "X-CSRF-Token": token},
                      data={"vote": "none"})
    assert 'aria-pressed="false"' in down.text and count_on(down.text, pid) == 97
    with db.read() as conn:
        assert vote_store.local_count(conn, pid) == 0


def test_it_shows_the_signed_in_readers_own_votes_on_the_feed(alice, bob, db, as_user):
    alice_client = as_user(alice)
    bob_client = as_user(bob)
    alice_client.post("/papers/2506.08007/vote", data={"csrf_token": page_token(alice_client)})
    pid = paper_id(db, "2506.08007")
    mine = alice_client.get("/papers/date/2025-06-10").text.split(f'id="vote-{pid}"', 1)[1][:600]
    theirs = bob_client.get("/papers/date/2025-06-10").text.split(f'id="vote-{pid}"', 1)[1][:600]
    assert 'aria-pressed="true"' in mine and 'aria-pressed="false"' in theirs


def test_it_takes_votes_and_comments_on_old_style_ids(alice, db, as_user):
    alice_client = as_user(alice)
    from dailypapers.ingest.pipeline import Pipeline
    from dailypapers.ingest.records import PaperRecord

    Pipeline(db).run([PaperRecord(arxiv_id="hep-th/9901001", title="Old Strings",
                                    abstract="Branes.", authors=["Ed Old"], source="test")])
    token = page_token(alice_client)
    voted = alice_client.post("/papers/hep-th/9901001v2/vote", data={"csrf_token": token},
                       follow_redirects=False)
    assert voted.status_code == 303 and voted.headers["location"] == "/papers/hep-th/9901001"
    alice_client.post("/papers/hep-th/9901001/comments", data={"csrf_token": token, "body": "Classic."})
    page = alice_client.get("/papers/hep-th/9901001").text
    assert 'aria-pressed="true"' in page and "Classic." in page


def test_it_answers_a_vote_on_an_unknown_paper_with_a_404(alice, as_user):
    alice_client = as_user(alice)
    response = alice_client.post("/papers/2412.99999/vote", data={"csrf_token": page_token(alice_client)})
    assert response.status_code == 404


# -- comments ---------------------------------------------------------------------------------------


def test_it_posts_a_comment_and_a_reply_without_javascript(alice, bob, db, as_user):
    alice_client = as_user(alice)
    bob_client = as_user(bob)
    posted = alice_client.post("/papers/2506.08007/comments",
                        data={"csrf_token": page_token(alice_client), "body": "Great *paper*."},
                        follow_redirects=False)
    assert posted.status_code == 303
    first_id = int(posted.headers["location"].rsplit("#comment-", 1)[1])
    reply = bob_client.post("/papers/2506.08007/comments",
                     data={"csrf_token": page_token(bob_client), "body": "Agreed.",
                           "parent_id": str(first_id)}, follow_redirects=False)
    assert reply.status_code == 303
    page = alice_client.get("/papers/2506.08007").text
    assert "<p>Great <em>paper</em>.</p>" in page
    replies = page.split(f'id="replies-{first_id}"', 1)[1]
    assert "Agreed." in replies.split("</ol>", 1)[0]
    assert "2 comments" in page
    assert "2 comments" in alice_client.get("/papers/date/2025-06-10").text


def test_it_appends_a_comment_for_htmx_with_the_new_count(alice, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    response = alice_client.post("/papers/2506.08007/comments", headers={**HTMX, "X-CSRF-Token": token},
                          data={"body": "First!"})
    assert response.status_code == 200
    assert response.text.strip().startswith('<li class="comment" id="comment-')
    assert 'id="comment-count" hx-swap-oob="true">1 comment<' in response.text


def test_it_shows_html_and_script_in_comments_as_text(alice, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    alice_client.post("/papers/2506.08007/comments", data={
        "csrf_token": token,
        "body": "<script>alert(1)</script> <img src=x onerror=alert(2)> "
                "[click](javascript:alert(3)) [fine](https://example.org)"})
    page = alice_client.get("/papers/2506.08007").text
    body = page.split('class="comment-body"', 1)[1].split("</div>", 1)[0]
    assert "<script>" not in body and "<img" not in body and "javascript:" not in body.replace(
        "[click](javascript:alert(3))", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert '<a href="https://example.org" rel="nofollow noopener ugc">fine</a>' in body


def test_it_reshows_an_empty_comment_with_the_error_next_to_the_form(alice, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    plain = alice_client.post("/papers/2506.08007/comments", data={"csrf_token": token, "body": "   "})
    assert plain.status_code == 422
    assert 'id="comment-form-error"' in plain.text and "cannot be empty" in plain.text
    htmx = alice_client.post("/papers/2506.08007/comments", headers={**HTMX, "X-CSRF-Token": token},
                      data={"body": " "})
    assert htmx.status_code == 422
    assert htmx.headers["hx-retarget"] == "#comment-form"
    assert htmx.headers["hx-reswap"] == "outerHTML"
    assert "cannot be empty" in htmx.text


def test_it_keeps_a_too_long_reply_in_its_form_with_the_error(alice, db, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    first = alice_client.post("/papers/2506.08007/comments", data={"csrf_token": token, "body": "Hi"},
                       follow_redirects=False)
    first_id = first.headers["location"].rsplit("#comment-", 1)[1]
    long = "word " * 2100
    page = alice_client.post("/papers/2506.08007/comments",
                      data={"csrf_token": token, "body": long, "parent_id": first_id})
    assert page.status_code == 422
    reply_form = page.text.split(f'id="reply-{first_id}"', 1)[1]
    assert "at most 10,000 characters" in reply_form and long.strip() in reply_form
    assert f'<details class="reply" open>' in page.text


def test_it_refuses_a_reply_to_a_comment_on_another_paper(alice, db, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    first = alice_client.post("/papers/2506.08007/comments", data={"csrf_token": token, "body": "Hi"},
                       follow_redirects=False)
    first_id = first.headers["location"].rsplit("#comment-", 1)[1]
    other = alice_client.post("/papers/2506.09251/comments",
                       data={"csrf_token": token, "body": "x", "parent_id": first_id})
    assert other.status_code in (404, 422)
    with db.read() as conn:
        assert comment_store.count(conn, paper_id(db, "2506.08007")) == 1


# -- submit -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("pasted", [
    UNLISTED_ID, f"{UNLISTED_ID}v3", f"https://arxiv.org/abs/{UNLISTED_ID}",
    f"https://arxiv.org/pdf/{UNLISTED_ID}v1.pdf", f"arXiv:{UNLISTED_ID}",
])
def test_it_puts_a_submitted_paper_into_todays_feed(alice, db, pasted, as_user):
    alice_client = as_user(alice)
    form = alice_client.get("/submit")
    assert form.status_code == 200 and 'for="paper"' in form.text
    response = alice_client.post("/submit", data={"csrf_token": page_token(alice_client, "/submit"),
                                           "paper": pasted}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/papers/{UNLISTED_ID}?submitted=1"
    page = alice_client.get(response.headers["location"]).text
    assert "Submitted: the paper is in today’s feed." in page
    assert "submitted by <a href=\"/users/alice\">alice</a>" in page
    newest = alice_client.get("/papers").text
    assert f'href="/papers/{UNLISTED_ID}"' in newest
    assert "A Paper Nobody Submitted Yet" in alice_client.get("/users/alice").text


def test_it_refuses_a_paper_already_in_the_feed_with_a_clear_message(alice, as_user):
    alice_client = as_user(alice)
    response = alice_client.post("/submit", data={"csrf_token": page_token(alice_client, "/submit"),
                                           "paper": "https://arxiv.org/abs/2506.08007v2"})
    assert response.status_code == 409
    assert "already in the feed: it was featured on 2025-06-10" in response.text
    assert 'value="https://arxiv.org/abs/2506.08007v2"' in response.text
    assert 'id="paper-error"' in response.text


def test_it_refuses_a_second_submission_of_the_same_paper_today(alice, bob, as_user):
    alice_client = as_user(alice)
    bob_client = as_user(bob)
    alice_client.post("/submit", data={"csrf_token": page_token(alice_client, "/submit"), "paper": UNLISTED_ID})
    again = bob_client.post("/submit", data={"csrf_token": page_token(bob_client, "/submit"),
                                      "paper": UNLISTED_ID})
    assert again.status_code == 409 and "already in the feed" in again.text


@pytest.mark.parametrize("pasted", ["", "not an id", "2513.00001", "https://example.org/x",
                                    "<script>alert(1)</script>"])
def test_it_reshows_the_form_for_what_is_no_arxiv_id(alice, pasted, as_user):
    alice_client = as_user(alice)
    response = alice_client.post("/submit", data={"csrf_token": page_token(alice_client, "/submit"),
                                           "paper": pasted})
    assert response.status_code == 400
    assert 'id="paper-error"' in response.text and "Not an arXiv id" in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_it_stops_a_user_at_the_daily_submission_limit(settings, db):
    from fastapi.testclient import TestClient

    from dailypapers.ingest.pipeline import Pipeline
    from dailypapers.ingest.records import PaperRecord
    from dailypapers.web.app import create_app
    from tests.support.web import sign_up

    ids = [f"2506.9901{i}" for i in range(3)]
    Pipeline(db).run([PaperRecord(arxiv_id=i, title=f"Paper {i}", abstract="A.",
                                    authors=["A"], source="test") for i in ids])
    app = create_app(settings.model_copy(update={"submissions_per_day": 2}), db)
    with TestClient(app) as client:
        sign_up(client, "carol")
        statuses = [client.post("/submit", data={"csrf_token": page_token(client, "/submit"),
                                                 "paper": i}, follow_redirects=False)
                    for i in ids]
        assert [r.status_code for r in statuses] == [303, 303, 429]
        assert "the daily limit" in statuses[2].text
        assert "0 left today" in client.get("/submit").text


def _comment(client, body: str, parent_id: int | None = None) -> int:  # noqa: ANN001
    data = {"csrf_token": page_token(client), "body": body}
    if parent_id:
        data["parent_id"] = str(parent_id)
    posted = client.post("/papers/2506.08007/comments", data=data, follow_redirects=False)
    return int(posted.headers["location"].rsplit("#comment-", 1)[1])


def test_it_deletes_ones_own_comment_and_keeps_the_replies(alice, bob, as_user):
    alice_client = as_user(alice)
    first = _comment(alice, "A hasty take.")
    _comment(bob, "A reply worth keeping.", first)
    page = alice_client.get("/papers/2506.08007").text
    assert f'action="/comments/{first}/delete"' in page
    deleted = alice_client.post(f"/comments/{first}/delete", data={"csrf_token": csrf_token_of(page)},
                         follow_redirects=False)
    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/papers/2506.08007#discussion"
    page = alice_client.get("/papers/2506.08007").text
    assert "A hasty take." not in page and "A reply worth keeping." in page
    assert "1 comment" in page
    again = alice_client.post(f"/comments/{first}/delete", data={"csrf_token": csrf_token_of(page)},
                       follow_redirects=False)
    assert again.status_code == 303  # deleting twice changes nothing


def test_it_swaps_a_deleted_comment_for_a_note_with_htmx(alice, as_user):
    alice_client = as_user(alice)
    first = _comment(alice, "Soon gone.")
    response = alice_client.post(f"/comments/{first}/delete",
                          headers={**HTMX, "X-CSRF-Token": page_token(alice_client)})
    assert response.status_code == 200
    assert "Comment deleted." in response.text
    assert 'id="comment-count" hx-swap-oob="true">0 comments<' in response.text


def test_it_refuses_to_delete_someone_elses_comment(alice, bob, as_user):
    alice_client = as_user(alice)
    bob_client = as_user(bob)
    first = _comment(alice, "Mine, not yours.")
    page = bob_client.get("/papers/2506.08007").text
    assert f'action="/comments/{first}/delete"' not in page  # no button for others' comments
    refused = bob_client.post(f"/comments/{first}/delete", data={"csrf_token": csrf_token_of(page)})
    assert refused.status_code == 403 and "Only its author" in refused.text
    assert "Mine, not yours." in alice_client.get("/papers/2506.08007").text


def test_deleting_an_unknown_comment_is_404_and_strangers_are_asked_to_sign_in(alice,
                                                                               app,
                                                                               as_user):
    alice_client = as_user(alice)
    page = alice_client.get("/papers/2506.08007").text
    missing = alice_client.post("/comments/999999/delete", data={"csrf_token": csrf_token_of(page)})
    assert missing.status_code == 404
    assert alice_client.post("/comments/0/delete", data={"csrf_token": csrf_token_of(page)}
                      ).status_code == 400
    first = _comment(alice, "Still here.")
    with TestClient(app) as stranger:
        answer = stranger.post(f"/comments/{first}/delete", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")
