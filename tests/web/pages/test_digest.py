"""Signed-in pages: marks on papers, saved-search alerts, digest settings in the account."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from dailypapers.digest import jobs
from dailypapers.store import marks as mark_store
from dailypapers.store import saved_searches as search_store
from dailypapers.store import subscriptions as subscription_store
from dailypapers.store import users as user_store
from dailypapers.web.app import create_app
from tests.digest.conftest import add_paper


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _signed_in(app, username: str) -> TestClient:  # noqa: ANN001
    # https: the site's cookies are Secure when DAILYPAPERS_BASE_URL is https.
    client = TestClient(app, raise_server_exceptions=False, base_url="https://testserver")
    page = client.get("/signup")
    response = client.post("/signup", data={
        "csrf_token": _token(page.text), "username": username,
        "email": f"{username}@example.org", "password": "correct horse battery",
    }, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def _user_id(db, username):  # noqa: ANN001
    with db.read() as conn:
        return user_store.get_by_username(conn, username)["id"]


def test_marks_need_sign_in_and_a_csrf_token_and_replace_each_other(db, mail_settings, as_of):
    with db.write() as conn:
        add_paper(conn, "2603.00001", "A paper", feed_day=as_of.date(), submitted_at=as_of)
    app = create_app(mail_settings, db)
    anonymous = TestClient(app, raise_server_exceptions=False, base_url="https://testserver")
    refused = anonymous.post("/papers/2603.00001/mark", data={"kind": "saved"},
                             follow_redirects=False)
    assert refused.status_code == 303 and "/signin" in refused.headers["location"]
    with _signed_in(app, "alice") as alice:
        assert alice.post("/papers/2603.00001/mark", data={"kind": "saved"}).status_code == 403
        token = _token(alice.get("/settings/digest").text)
        for kind in ("saved", "not_interested"):
            done = alice.post("/papers/2603.00001/mark", follow_redirects=False,
                              data={"kind": kind, "csrf_token": token, "next": "/for-you"})
            assert done.status_code == 303 and done.headers["location"] == "/for-you"
        with db.read() as conn:
            marks = mark_store.for_user(conn, _user_id(db, "alice"))
        assert list(marks.values()) == ["not_interested"]
        unknown = alice.post("/papers/2603.99999/mark", data={"kind": "saved",
                                                              "csrf_token": token})
        assert unknown.status_code == 404
        page = alice.get("/for-you")
        assert page.status_code == 200 and "For you" in page.text


def test_a_search_saved_as_an_alert_belongs_to_the_account(db, mail_settings):
    app = create_app(mail_settings, db)
    with _signed_in(app, "alice") as alice:
        token = _token(alice.get("/settings/digest").text)
        saved = alice.post("/search/alerts", follow_redirects=False,
                           data={"q": "sparse attention", "mode": "keyword",
                                 "csrf_token": token})
        assert saved.status_code == 303
        page = alice.get("/settings/digest")
        assert "sparse attention" in page.text
        with db.read() as conn:
            [alert] = search_store.for_owner(conn, user_id=_user_id(db, "alice"),
                                             subscription_id=None)
        assert alert["filters"] == {"mode": "keyword"}
        alice.post("/settings/digest/alerts/delete",
                   data={"search_id": alert["id"], "csrf_token": token})
        with db.read() as conn:
            assert search_store.for_owner(conn, user_id=_user_id(db, "alice"),
                                          subscription_id=None) == []


def test_subscribing_from_the_account_still_needs_the_confirmation(db, mail_settings, sink, as_of):
    with db.write() as conn:
        add_paper(conn, "2603.00001", "A paper", upvotes=3,
                  feed_day=(as_of - timedelta(days=1)).date(),
                  submitted_at=as_of - timedelta(hours=20))
    app = create_app(mail_settings, db)
    with _signed_in(app, "alice") as alice:
        token = _token(alice.get("/settings/digest").text)
        form = {"csrf_token": token, "frequency": "weekly", "weekly_day": "1", "send_hour": "8",
                "timezone": "Europe/Paris", "content": ["top", "for_you"]}
        assert alice.post("/settings/digest", data=form, follow_redirects=False).status_code == 303
        bad = alice.post("/settings/digest", data={**form, "content": []})
        assert bad.status_code == 422 and "at least one" in bad.text
        assert "confirmation link" in alice.get("/settings/digest").text
    jobs.run_once(db, mail_settings, as_of=as_of)
    assert [r.message["Subject"] for r in sink.received] == [
        "Confirm your dailypapers subscription"]
    with db.read() as conn:
        row = subscription_store.for_user(conn, _user_id(db, "alice"))
    assert row["email"] == "alice@example.org" and row["confirmed_at"] is None
    assert (row["frequency"], row["timezone"], row["content"]) == (
        "weekly", "Europe/Paris", ["top", "for_you"])


def test_the_admin_sees_failed_mail_and_resends_it(db, mail_settings, sink, as_of):
    with db.write() as conn:
        add_paper(conn, "2603.00001", "A paper", upvotes=3,
                  feed_day=(as_of - timedelta(days=1)).date(),
                  submitted_at=as_of - timedelta(hours=20))
        subscription_store.create(conn, "dave@example.org", as_of - timedelta(days=2),
                                  confirmed_at=as_of - timedelta(days=2))
    sink.fail("rcpt", "550 5.1.1 No such user here")
    jobs.run_once(db, mail_settings, as_of=as_of)
    app = create_app(mail_settings, db)
    with _signed_in(app, "alice") as alice:
        assert alice.get("/admin/digests").status_code == 403
        with db.write() as conn:
            conn.execute(user_store.users.update().values(is_admin=True))
        page = alice.get("/admin/digests")
        assert page.status_code == 200 and "550 5.1.1 No such user here" in page.text
        outbox_id = re.search(r'name="outbox_id" value="(\d+)"', page.text).group(1)
        alice.post("/admin/digests/resend", data={"outbox_id": outbox_id,
                                                  "csrf_token": _token(page.text)})
    jobs.send_due(db, mail_settings)
    assert [r.rcpt_tos for r in sink.received] == [["dave@example.org"]]
