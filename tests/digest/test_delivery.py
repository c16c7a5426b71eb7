"""Subscribing, confirming and receiving digests through a real SMTP server on loopback."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from dailypapers.digest import jobs, subscriptions, tokens
from dailypapers.papers import voting
from dailypapers.store import outbox as outbox_store
from dailypapers.store import subscriptions as subscription_store
from tests.support import data, digests


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def _link(message, path: str, base_url: str) -> str:
    found = re.search(re.escape(base_url) + re.escape(path) + r"[A-Za-z0-9._\-]+", _text(message))
    assert found, f"no {path} link in:\n{_text(message)}"
    return urlsplit(found.group(0)).path


def _in_feed(arxiv_id: str, title: str, at: datetime, upvotes: int):
    return data.in_feed(
        data.paper(arxiv_id, title, published_at=at), at.date(), upvotes=upvotes, submitted_at=at
    )


def _monday_papers(db, as_of, bob, carol):
    at = datetime.combine(
        (as_of - timedelta(days=1)).date(), datetime.min.time(), tzinfo=UTC
    ) + timedelta(hours=10)
    data.store(
        db,
        _in_feed("2603.00001", "A quiet paper", at, 3),
        _in_feed("2603.00002", "A loud paper", at, 40),
        _in_feed("2603.00003", "A middling <b>paper</b>", at, 10),
    )
    # Local votes count on top of the upstream ones: quiet 3 + 2 = 5, still below middle. They
    # are cast now, before as_of (the digest counts the votes cast by its moment).
    voting.upvote(db, bob.id, "2603.00001")
    voting.upvote(db, carol.id, "2603.00001")


def _subscribe_and_confirm(client, sink, db, mail_settings, address="alice@example.org"):
    page = client.post("/subscribe", data={"email": address})
    assert page.status_code == 200 and "Check your inbox" in page.text
    jobs.send_due(db, mail_settings)
    confirmation = digests.mails_to(sink, address)[-1].message
    path = _link(confirmation, "/subscribe/confirm/", mail_settings.base_url)
    assert "Confirm" in client.get(path).text  # GET shows a button, changes nothing
    confirmed = client.post(path)
    assert confirmed.status_code == 200 and "You are subscribed" in confirmed.text
    return confirmation


def _first_digest(client, sink, db, mail_settings, as_of, bob, carol):
    """Alice's first digest: Monday's papers stored, her subscription confirmed, the round of
    ``as_of`` sent."""
    _monday_papers(db, as_of, bob, carol)
    _subscribe_and_confirm(client, sink, db, mail_settings)
    jobs.run_once(db, mail_settings, as_of=as_of)
    return digests.mails_to(sink, "alice@example.org")[-1]


def _unsubscribe_path(message) -> str:
    return urlsplit(message["List-Unsubscribe"].strip("<>")).path


def test_it_sends_nothing_but_the_confirmation_until_the_link_is_followed(
    client, sink, db, mail_settings, as_of, bob, carol
):
    _monday_papers(db, as_of, bob, carol)
    page = client.post("/subscribe", data={"email": "Alice@Example.org"})
    assert page.status_code == 200
    for _ in range(2):  # a due digest round, twice: still only the one confirmation
        jobs.run_once(db, mail_settings, as_of=as_of)
    [confirmation] = digests.mails_to(sink, "Alice@example.org")
    assert confirmation.message["Subject"] == "Confirm your dailypapers subscription"
    assert "List-Unsubscribe" not in confirmation.message
    link = _link(confirmation.message, "/subscribe/confirm/", mail_settings.base_url)
    assert link in _html(confirmation.message)

    client.post(link)
    jobs.run_once(db, mail_settings, as_of=as_of)
    mails = digests.mails_to(sink, "Alice@example.org")
    assert [r.message["Subject"].startswith("3 top papers") for r in mails] == [False, True]


def test_a_digest_lists_the_period_by_upvotes_in_both_parts_with_unsubscribe_headers(
    client, sink, db, mail_settings, as_of, bob, carol
):
    digest = _first_digest(client, sink, db, mail_settings, as_of, bob, carol)
    message = digest.message
    monday = as_of - timedelta(days=1)
    label = f"{monday:%a} {monday.day} {monday:%b}"
    tuesday = f"{as_of:%a} {as_of.day} {as_of:%b}"
    assert message["Subject"] == f"3 top papers — dailypapers, {tuesday}"
    assert label != tuesday
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    text, html = _text(message), _html(message)
    order = [text.index(t) for t in ("A loud paper", "A middling <b>paper</b>", "A quiet paper")]
    assert order == sorted(order)
    assert "40 upvotes" in text and "5 upvotes" in text  # 3 upstream + 2 local votes
    assert "A middling &lt;b&gt;paper&lt;/b&gt;" in html and "<b>paper</b>" not in html
    base = mail_settings.base_url
    assert f"{base}/papers/2603.00002" in html and f"{base}/papers/2603.00002" in text
    assert 'name="color-scheme"' in html and "prefers-color-scheme: dark" in html

    unsubscribe = message["List-Unsubscribe"]
    assert re.fullmatch(r"<https://papers\.example\.org/unsubscribe/[A-Za-z0-9._\-]+>", unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with db.read() as conn:
        row = outbox_store.for_subscription(conn, 1)[-1]
    assert row["status"] == "sent" and message["Message-ID"] == row["message_id"]
    assert digest.mail_from == "digest@papers.example.org"


def test_one_click_unsubscribe_needs_no_sign_in_and_stops_all_mail(
    client, sink, db, mail_settings, as_of, bob, carol
):
    _monday_papers(db, as_of, bob, carol)
    _subscribe_and_confirm(client, sink, db, mail_settings)
    jobs.compose_due(db, mail_settings, as_of)  # a digest waits in the outbox...
    jobs.run_once(db, mail_settings, as_of=as_of)
    path = _unsubscribe_path(digests.mails_to(sink, "alice@example.org")[-1].message)
    next_day = as_of + timedelta(days=1)
    data.store(db, _in_feed("2603.00009", "Tuesday's paper", as_of, 1))
    jobs.compose_due(db, mail_settings, next_day)  # ...and tomorrow's is composed already

    # What a mail client does for RFC 8058: a POST with this body, no cookies.
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "unsubscribed" in response.text
    assert client.post(path).status_code == 200  # again: still fine
    count = len(sink.received)
    jobs.run_once(db, mail_settings, as_of=next_day)
    jobs.run_once(db, mail_settings, as_of=next_day + timedelta(days=1))
    assert len(sink.received) == count
    with db.read() as conn:
        statuses = [r["status"] for r in outbox_store.for_subscription(conn, 1)]
    assert statuses == ["sent", "sent", "cancelled"]


def test_the_unsubscribe_page_shows_a_button_and_changes_nothing_on_get(
    client, sink, db, mail_settings, as_of, bob, carol
):
    digest = _first_digest(client, sink, db, mail_settings, as_of, bob, carol)
    path = _unsubscribe_path(digest.message)
    page = client.get(path)
    assert page.status_code == 200 and '<button type="submit">Unsubscribe</button>' in page.text
    with db.read() as conn:
        assert subscription_store.get(conn, 1)["unsubscribed_at"] is None


def test_resubscribing_is_idempotent(client, sink, db, mail_settings):
    for _ in range(3):
        assert client.post("/subscribe", data={"email": "alice@example.org"}).status_code == 200
    jobs.send_due(db, mail_settings)
    with db.read() as conn:
        rows = outbox_store.for_subscription(conn, 1)
        assert subscription_store.get_by_email(conn, "ALICE@example.org")["id"] == 1
    assert len(rows) == 1 and len(sink.received) == 1  # one confirmation per address and hour
    _subscribe_and_confirm(client, sink, db, mail_settings)  # follows the first mail's link
    client.post("/subscribe", data={"email": "alice@example.org"})  # already confirmed
    jobs.send_due(db, mail_settings)
    assert len(sink.received) == 1
    with db.read() as conn:
        assert len(subscription_store.active(conn)) == 1


def test_it_refuses_malformed_and_header_injecting_addresses(client, db, sink, mail_settings):
    bad = [
        "",
        "alice",
        "alice@",
        "@example.org",
        "alice@example..org",
        "alice@example.org\r\nBcc: eve@example.org",
        "alice@example.org\nX: y",
        "alice@example.org, bob@example.org",
        "alice@example.org;bob@example.org",
        "Alice <alice@example.org>",
        '"alice"@example.org',
        "alice@[127.0.0.1]",
        "a" * 250 + "@example.org",
        "alice bob@example.org",
    ]
    for address in bad:
        page = client.post("/subscribe", data={"email": address})
        assert page.status_code == 400, address
        assert 'class="field-error"' in page.text
    kept = client.post("/subscribe", data={"email": "alice@@example.org"})
    assert 'value="alice@@example.org"' in kept.text  # the input is kept for correcting
    jobs.send_due(db, mail_settings)
    assert sink.received == []
    with db.read() as conn:
        assert subscription_store.active(conn) == []


def test_tampered_and_expired_links_get_a_helpful_page(client, sink, db, mail_settings):
    client.post("/subscribe", data={"email": "alice@example.org"})
    jobs.send_due(db, mail_settings)
    path = _link(sink.received[0].message, "/subscribe/confirm/", mail_settings.base_url)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    for url in (tampered, "/subscribe/confirm/1", "/subscribe/confirm/" + path[-20:]):
        for method in (client.get, client.post):
            page = method(url)
            assert page.status_code == 400 and "This link does not work" in page.text
    assert client.post("/unsubscribe/1").status_code == 400
    assert "This link does not work" in client.get("/digest/preferences/x.y").text

    later = datetime.now(UTC) + tokens.CONFIRM_MAX_AGE + timedelta(seconds=60)
    token = path.rsplit("/", 1)[1]
    with pytest.raises(tokens.TokenExpired):
        subscriptions.confirm(db, mail_settings, token, now=later)
    with db.read() as conn:
        assert subscription_store.get(conn, 1)["confirmed_at"] is None


def test_preferences_change_frequency_time_zone_and_content(
    client, sink, db, mail_settings, as_of, bob, carol
):
    digest = _first_digest(client, sink, db, mail_settings, as_of, bob, carol)
    path = _unsubscribe_path(digest.message)
    preferences = path.replace("/unsubscribe/", "/digest/preferences/")
    form = {
        "frequency": "weekly",
        "weekly_day": "1",
        "send_hour": "9",
        "timezone": "Europe/Paris",
        "content": ["top"],
    }
    assert "Saved." in client.post(preferences, data=form).text
    bad = client.post(preferences, data={**form, "timezone": "Mars/Olympus"})
    assert bad.status_code == 400 and "Unknown time zone" in bad.text
    with db.read() as conn:
        row = subscription_store.get(conn, 1)
    assert (
        row["frequency"],
        row["weekly_day"],
        row["send_hour"],
        row["timezone"],
        row["content"],
    ) == ("weekly", 1, 9, "Europe/Paris", ["top"])
