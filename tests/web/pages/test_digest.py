"""Signed-in pages: marks on papers, saved-search alerts, digest settings in the account (only
for a verified address), and the admin's outbox page."""

from __future__ import annotations

import re
from datetime import date

from dailypapers.digest import account, jobs
from dailypapers.store import marks as mark_store
from tests.support import data, digests, web


def test_marks_need_sign_in_and_a_csrf_token_and_replace_each_other(db, client, as_user, alice):
    data.store(db, data.in_feed(data.paper("2603.00001", "A paper"), date(2026, 3, 2)))
    refused = client.post("/papers/2603.00001/mark", data={"kind": "saved"}, follow_redirects=False)
    assert refused.status_code == 303 and "/signin" in refused.headers["location"]
    reader = as_user(alice)
    assert reader.post("/papers/2603.00001/mark", data={"kind": "saved"}).status_code == 403
    token = web.page_token(reader, "/settings/digest")
    for kind in ("saved", "not_interested"):
        done = reader.post(
            "/papers/2603.00001/mark",
            follow_redirects=False,
            data={"kind": kind, "csrf_token": token, "next": "/for-you"},
        )
        assert done.status_code == 303 and done.headers["location"] == "/for-you"
    with db.read() as conn:
        marks = mark_store.for_user(conn, alice.id)
    assert list(marks.values()) == ["not_interested"]
    unknown = reader.post("/papers/2603.99999/mark", data={"kind": "saved", "csrf_token": token})
    assert unknown.status_code == 404
    page = reader.get("/for-you")
    assert page.status_code == 200 and "For you" in page.text


def _saved_alert(reader, db, user):
    token = web.page_token(reader, "/settings/digest")
    saved = reader.post(
        "/search/alerts",
        follow_redirects=False,
        data={"q": "sparse attention", "mode": "keyword", "csrf_token": token},
    )
    assert saved.status_code == 303
    [alert] = account.of(db, user).alerts
    return alert


def test_a_search_saved_as_an_alert_belongs_to_the_account(db, as_user, alice, bob):
    reader = as_user(alice)
    alert = _saved_alert(reader, db, alice)
    assert "sparse attention" in reader.get("/settings/digest").text
    assert alert.filters == {"mode": "keyword"}
    assert account.of(db, bob).alerts == []  # only its owner lists it
    token = web.page_token(reader, "/settings/digest")
    reader.post("/settings/digest/alerts/delete", data={"search_id": alert.id, "csrf_token": token})
    assert account.of(db, alice).alerts == []


def test_it_does_not_let_bob_delete_alices_alert(db, as_user, alice, bob):
    alert = _saved_alert(as_user(alice), db, alice)
    other = as_user(bob)
    refused = other.post(
        "/settings/digest/alerts/delete",
        data={"search_id": alert.id, "csrf_token": web.page_token(other, "/settings/digest")},
        follow_redirects=False,
    )
    assert refused.status_code == 303  # the same answer as for any id bob has no alert of
    assert account.of(db, alice).alerts == [alert]


def test_it_answers_out_of_range_ids_with_a_client_error(db, as_user, alice):
    reader = as_user(alice)
    alert = _saved_alert(reader, db, alice)
    data.admin(db, alice)
    token = web.page_token(reader, "/settings/digest")
    for value in ("1e20", str(10**20), str(2**63), "-1", "0", "1.5", ""):
        for path, field in (
            ("/settings/digest/alerts/delete", "search_id"),
            ("/admin/digests/resend", "outbox_id"),
        ):
            answer = reader.post(path, data={field: value, "csrf_token": token})
            assert 400 <= answer.status_code < 500, (path, value, answer.status_code)
    assert account.of(db, alice).alerts == [alert]


def test_subscribing_from_the_account_still_needs_the_confirmation(
    db, mail_settings, sink, as_of, as_user, alice
):
    digests.yesterdays_paper(db, as_of)
    reader = as_user(alice)
    token = web.page_token(reader, "/settings/digest")
    form = {
        "csrf_token": token,
        "frequency": "weekly",
        "weekly_day": "1",
        "send_hour": "8",
        "timezone": "Europe/Paris",
        "content": ["top", "for_you"],
    }
    assert reader.post("/settings/digest", data=form, follow_redirects=False).status_code == 303
    bad = reader.post("/settings/digest", data={**form, "content": []})
    assert bad.status_code == 422 and "at least one" in bad.text
    assert "confirmation link" in reader.get("/settings/digest").text
    jobs.run_once(db, mail_settings, as_of=as_of)
    subjects = [r.message["Subject"] for r in digests.mails_to(sink, "alice@example.org")]
    assert digests.CONFIRM_SUBJECT in subjects
    assert not [s for s in subjects if "top papers" in s]  # no digest before the confirmation
    mine = account.of(db, alice).subscription
    assert mine.email == "alice@example.org" and mine.confirmed_at is None
    assert mine.user_id == alice.id
    assert (mine.frequency, mine.timezone, mine.content) == (
        "weekly",
        "Europe/Paris",
        ["top", "for_you"],
    )


def test_the_admin_sees_failed_mail_and_resends_it(
    db, mail_settings, sink, as_of, readers, as_user, alice
):
    digests.yesterdays_paper(db, as_of)
    readers("dave@example.org")
    sink.fail("rcpt", "550 5.1.1 No such user here")
    jobs.run_once(db, mail_settings, as_of=as_of)
    reader = as_user(alice)
    assert reader.get("/admin/digests").status_code == 403
    data.admin(db, alice)
    page = reader.get("/admin/digests")
    assert page.status_code == 200 and "550 5.1.1 No such user here" in page.text
    outbox_id = re.search(r'name="outbox_id" value="(\d+)"', page.text).group(1)
    reader.post(
        "/admin/digests/resend",
        data={"outbox_id": outbox_id, "csrf_token": web.csrf_token_of(page.text)},
    )
    jobs.send_due(db, mail_settings)
    [resent] = digests.mails_to(sink, "dave@example.org")
    assert "top paper" in resent.message["Subject"]


def test_it_does_not_show_or_change_a_strangers_subscription_to_an_unverified_account(
    db, mail_settings, sink, readers, as_user
):
    [victims] = readers("victim@example.org")
    # Anyone can sign up with someone else's address: until its link is followed, it is a claim.
    mallory = data.person(db, "mallory", email="victim@example.org", verified=False)
    intruder = as_user(mallory)
    page = intruder.get("/settings/digest")
    assert page.status_code == 200 and "Verify your address first" in page.text
    assert "Digests go to" not in page.text and "confirmation link" not in page.text
    assert account.of(db, mallory).subscription is None
    form = {
        "csrf_token": web.csrf_token_of(page.text),
        "frequency": "weekly",
        "weekly_day": "4",
        "send_hour": "3",
        "timezone": "UTC",
        "content": ["searches"],
    }
    refused = intruder.post("/settings/digest", data=form, follow_redirects=False)
    assert refused.status_code == 403 and "Verify your address first" in refused.text
    unchanged = account.of(db, data.person(db, "victim", email="victim@example.org")).subscription
    assert unchanged == victims  # same preferences, linked to nobody but its verified owner
    jobs.send_due(db, mail_settings)
    assert not [
        m
        for m in digests.mails_to(sink, "victim@example.org")
        if m.message["Subject"] == digests.CONFIRM_SUBJECT
    ]
