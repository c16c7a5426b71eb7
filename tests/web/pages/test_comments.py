"""Comments and replies, and deleting one's own, with htmx and without JavaScript."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from dailypapers.papers import discussion, threads
from dailypapers.store import comments as comment_store
from tests.support import data
from tests.support.web import HTMX, csrf_token_of, page_token

pytestmark = pytest.mark.store("feed")

PAPER = "2506.08007"


def test_it_posts_a_comment_and_a_reply_without_javascript(alice, bob, db, as_user):
    alice_client = as_user(alice)
    bob_client = as_user(bob)
    posted = alice_client.post(
        "/papers/2506.08007/comments",
        data={"csrf_token": page_token(alice_client), "body": "Great *paper*."},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    first_id = int(posted.headers["location"].rsplit("#comment-", 1)[1])
    reply = bob_client.post(
        "/papers/2506.08007/comments",
        data={"csrf_token": page_token(bob_client), "body": "Agreed.", "parent_id": str(first_id)},
        follow_redirects=False,
    )
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
    response = alice_client.post(
        "/papers/2506.08007/comments",
        headers={**HTMX, "X-CSRF-Token": token},
        data={"body": "First!"},
    )
    assert response.status_code == 200
    assert response.text.strip().startswith('<li class="comment" id="comment-')
    assert 'id="comment-count" hx-swap-oob="true">1 comment<' in response.text


def test_it_shows_html_and_script_in_comments_as_text(alice, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    alice_client.post(
        "/papers/2506.08007/comments",
        data={
            "csrf_token": token,
            "body": "<script>alert(1)</script> <img src=x onerror=alert(2)> "
            "[click](javascript:alert(3)) [fine](https://example.org)",
        },
    )
    page = alice_client.get("/papers/2506.08007").text
    body = page.split('class="comment-body"', 1)[1].split("</div>", 1)[0]
    assert (
        "<script>" not in body
        and "<img" not in body
        and "javascript:" not in body.replace("[click](javascript:alert(3))", "")
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert '<a href="https://example.org" rel="nofollow noopener ugc">fine</a>' in body


def test_it_reshows_an_empty_comment_with_the_error_next_to_the_form(alice, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    plain = alice_client.post(
        "/papers/2506.08007/comments", data={"csrf_token": token, "body": "   "}
    )
    assert plain.status_code == 422
    assert 'id="comment-form-error"' in plain.text and "cannot be empty" in plain.text
    htmx = alice_client.post(
        "/papers/2506.08007/comments", headers={**HTMX, "X-CSRF-Token": token}, data={"body": " "}
    )
    assert htmx.status_code == 422
    assert htmx.headers["hx-retarget"] == "#comment-form"
    assert htmx.headers["hx-reswap"] == "outerHTML"
    assert "cannot be empty" in htmx.text


def test_it_keeps_a_too_long_reply_in_its_form_with_the_error(alice, db, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    first_id = _comment(alice_client, "Hi")
    long = "word " * 2100
    page = alice_client.post(
        "/papers/2506.08007/comments",
        data={"csrf_token": token, "body": long, "parent_id": first_id},
    )
    assert page.status_code == 422
    reply_form = page.text.split(f'id="reply-{first_id}"', 1)[1]
    assert "at most 10,000 characters" in reply_form and long.strip() in reply_form
    assert '<details class="reply" open>' in page.text


def test_it_refuses_a_reply_to_a_comment_on_another_paper(alice, db, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    first_id = _comment(alice_client, "Hi")
    other = alice_client.post(
        "/papers/2506.09251/comments",
        data={"csrf_token": token, "body": "x", "parent_id": first_id},
    )
    assert other.status_code in (404, 422)
    assert discussion.count(db, data.paper_id(db, "2506.08007")) == 1


def _comment(client, body: str, parent_id: int | None = None) -> int:
    data = {"csrf_token": page_token(client), "body": body}
    if parent_id:
        data["parent_id"] = str(parent_id)
    posted = client.post("/papers/2506.08007/comments", data=data, follow_redirects=False)
    return int(posted.headers["location"].rsplit("#comment-", 1)[1])


def test_it_deletes_ones_own_comment_and_keeps_the_replies(alice, bob, as_user):
    alice_client, bob_client = as_user(alice), as_user(bob)
    first = _comment(alice_client, "A hasty take.")
    _comment(bob_client, "A reply worth keeping.", first)
    page = alice_client.get("/papers/2506.08007").text
    assert f'action="/comments/{first}/delete"' in page
    deleted = alice_client.post(
        f"/comments/{first}/delete",
        data={"csrf_token": csrf_token_of(page)},
        follow_redirects=False,
    )
    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/papers/2506.08007#discussion"
    page = alice_client.get("/papers/2506.08007").text
    assert "A hasty take." not in page and "A reply worth keeping." in page
    assert "1 comment" in page
    again = alice_client.post(
        f"/comments/{first}/delete",
        data={"csrf_token": csrf_token_of(page)},
        follow_redirects=False,
    )
    assert again.status_code == 303  # deleting twice changes nothing


def test_it_swaps_a_deleted_comment_for_a_note_with_htmx(alice, as_user):
    alice_client = as_user(alice)
    first = _comment(alice_client, "Soon gone.")
    response = alice_client.post(
        f"/comments/{first}/delete", headers={**HTMX, "X-CSRF-Token": page_token(alice_client)}
    )
    assert response.status_code == 200
    assert "Comment deleted." in response.text
    assert 'id="comment-count" hx-swap-oob="true">0 comments<' in response.text


def test_it_refuses_to_delete_someone_elses_comment(alice, bob, as_user):
    alice_client = as_user(alice)
    bob_client = as_user(bob)
    first = _comment(alice_client, "Mine, not yours.")
    page = bob_client.get("/papers/2506.08007").text
    assert f'action="/comments/{first}/delete"' not in page  # no button for others' comments
    refused = bob_client.post(f"/comments/{first}/delete", data={"csrf_token": csrf_token_of(page)})
    assert refused.status_code == 403 and "Only its author" in refused.text
    assert "Mine, not yours." in alice_client.get("/papers/2506.08007").text


def test_deleting_an_unknown_comment_is_404_and_strangers_are_asked_to_sign_in(alice, app, as_user):
    alice_client = as_user(alice)
    page = alice_client.get("/papers/2506.08007").text
    missing = alice_client.post("/comments/999999/delete", data={"csrf_token": csrf_token_of(page)})
    assert missing.status_code == 404
    assert (
        alice_client.post(
            "/comments/0/delete", data={"csrf_token": csrf_token_of(page)}
        ).status_code
        == 400
    )
    first = _comment(alice_client, "Still here.")
    with TestClient(app) as stranger:
        answer = stranger.post(f"/comments/{first}/delete", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")


# -- threads under attack: depth, size, floods, odd ids ------------------------------------------


def test_it_renders_a_pathological_comment_once_not_on_every_page_view(alice, db, as_user):
    alice_client = as_user(alice)
    for body in ("[" * 10_000, "> " * 5_000, "\n".join("  " * i + "- x" for i in range(90))):
        posted = alice_client.post(
            f"/papers/{PAPER}/comments",
            data={"csrf_token": page_token(alice_client), "body": body},
            follow_redirects=False,
        )
        assert posted.status_code == 303
    comment_id = int(posted.headers["location"].rsplit("#comment-", 1)[1])
    # The page shows what is stored: change it, and the page follows.
    with db.write() as conn:
        comment_store.set_html(conn, comment_id, "<p>stored, not rendered</p>")
    page = alice_client.get(f"/papers/{PAPER}")
    assert page.status_code == 200
    assert "<p>stored, not rendered</p>" in page.text and "[[[[[[[[[[" in page.text


def test_it_stops_one_user_flooding_a_thread_with_comments(alice, bob, db, as_user, client):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    first = _comment(alice_client, "Opening")
    for i in range(discussion.LIMITS.per_minute - 1):
        _comment(alice_client, f"More {i}", first)
    plain = alice_client.post(
        f"/papers/{PAPER}/comments",
        data={"csrf_token": token, "body": "Flood", "parent_id": str(first)},
    )
    assert plain.status_code == 429 and 1 <= int(plain.headers["retry-after"]) <= 60
    reply_form = plain.text.split(f'id="reply-{first}"', 1)[1].split("</form>", 1)[0]
    assert "Too many comments. Try again in a minute." in reply_form and "Flood" in reply_form
    htmx = alice_client.post(
        f"/papers/{PAPER}/comments",
        headers={**HTMX, "X-CSRF-Token": token, "HX-Trigger": f"reply-{first}"},
        data={"body": "Flood", "parent_id": str(first)},
    )
    assert htmx.status_code == 429 and htmx.headers["hx-retarget"] == f"#reply-{first}"
    assert "Too many comments" in htmx.text and "retry-after" in htmx.headers
    api = client.post(
        f"/api/papers/{PAPER}/comment",
        headers=data.bearer(data.api_token(db, alice)),
        json={"comment": "Flood"},
    )
    assert api.status_code == 429 and int(api.headers["retry-after"]) >= 1
    assert api.json() == {
        "error": "Too many comments. Try again in a minute.",
        "parameter": "comment",
    }
    assert discussion.count(db, data.paper_id(db, PAPER)) == discussion.LIMITS.per_minute
    bob_client = as_user(bob)
    _comment(bob_client, "Bob is not held back.", first)  # another user is not affected


def test_it_answers_out_of_range_ids_with_400_not_a_database_error(alice, db, as_user, client):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    too_big = str(2**63)  # one past PostgreSQL's bigint
    form = alice_client.post(
        f"/papers/{PAPER}/comments",
        data={"csrf_token": token, "body": "Hi", "parent_id": too_big},
    )
    assert form.status_code == 400 and "parent_id" in form.text
    unknown = alice_client.post(
        f"/papers/{PAPER}/comments",
        data={"csrf_token": token, "body": "Hi", "parent_id": str(2**62)},
    )
    assert unknown.status_code == 422 and "does not exist on this paper" in unknown.text
    deleting = alice_client.post(f"/comments/{too_big}/delete", data={"csrf_token": token})
    assert deleting.status_code == 400
    for query in (f"thread={too_big}", "comments=0", f"comments={too_big}", "thread=x"):
        assert client.get(f"/papers/{PAPER}?{query}").status_code == 400, query
    bearer = data.bearer(data.api_token(db, alice))
    for key in (2**63, 2**63 - 1):
        api = client.post(
            f"/api/papers/{PAPER}/comment/{key:024x}/reply", headers=bearer, json={"comment": "x"}
        )
        assert api.status_code == 404 and api.json()["parameter"] == "commentId"
    assert discussion.count(db, data.paper_id(db, PAPER)) == 0


def test_it_sends_a_reply_at_the_deepest_level_to_its_parents_replies(alice, db, as_user):
    parent = None
    for i in range(threads.MAX_DEPTH + 1):
        parent = discussion.post(
            db, alice.id, PAPER, f"Level {i}", parent, limits=discussion.UNLIMITED
        ).id
    page = as_user(alice).get(f"/papers/{PAPER}").text
    form = page.split(f'id="reply-{parent}"', 1)[1].split(">", 1)[0]
    above = discussion.post(db, alice.id, PAPER, "Beside it", parent, limits=discussion.UNLIMITED)
    assert f'hx-target="#replies-{above.parent_id}"' in form and above.parent_id != parent


@pytest.mark.browser
@pytest.mark.slow
def test_it_answers_in_place_at_the_deepest_level_and_tells_a_flooder_to_wait(page, db, carol):
    chain = []
    for i in range(threads.MAX_DEPTH + 1):
        parent = chain[-1].id if chain else None
        chain.append(
            discussion.post(db, carol.id, PAPER, f"Level {i}", parent, limits=discussion.UNLIMITED)
        )
    page.goto(f"/signin?next=/papers/{PAPER}")
    page.fill("#login", "carol")
    page.fill("#password", data.PASSWORD)
    page.locator("form.stack").get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(f"/papers/{PAPER}") + "$"))
    deepest = page.locator(f"#comment-{chain[-1].id}")
    deepest.locator("details.reply summary").first.click()
    deepest.locator("textarea").first.fill("Beside the deepest")
    deepest.get_by_role("button", name="Reply").first.click()
    beside = page.locator(f"#replies-{chain[-2].id} > li.comment", has_text="Beside the deepest")
    beside.wait_for()
    for i in range(discussion.LIMITS.per_minute - 1):
        discussion.post(db, carol.id, PAPER, f"Quick {i}")
    page.fill("#comment-form-body", "One too many")
    page.get_by_role("button", name="Comment", exact=True).click()
    page.locator("#comment-form-error").wait_for()
    assert "Too many comments" in page.locator("#comment-form-error").inner_text()
    assert page.input_value("#comment-form-body") == "One too many"
