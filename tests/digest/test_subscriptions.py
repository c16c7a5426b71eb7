"""Subscribing from the form cannot be used against an address's owner: few confirmation mails
per address and per client network, links that work once and die with an unsubscribe, and
internationalised addresses that are really mailed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from dailypapers.accounts import quotas
from dailypapers.digest import jobs, subscriptions
from dailypapers.store import outbox as outbox_store
from dailypapers.store import subscriptions as subscription_store
from tests.support import digests

CONFIRM_PATH = re.compile(r"/subscribe/confirm/[A-Za-z0-9._\-]+")
PREFERENCES_TOKEN = re.compile(r'href="/digest/preferences/([A-Za-z0-9._\-]+)"')


def _confirmations(sink, address: str) -> list:
    return [
        m
        for m in digests.mails_to(sink, address)
        if m.message["Subject"] == digests.CONFIRM_SUBJECT
    ]


def _confirm_path(mail) -> str:
    return CONFIRM_PATH.search(mail.message.get_body(("plain",)).get_content()).group(0)


def _subscription(db, address: str) -> dict:
    with db.read() as conn:
        return subscription_store.get_by_email(conn, address)


def _check_inbox_page(client, address: str) -> str:
    page = client.post("/subscribe", data={"email": address})
    assert page.status_code == 200 and "Check your inbox" in page.text
    return page.text.replace(address, "ADDRESS")


def test_it_stops_mailing_an_address_that_never_confirms_after_three_requests(
    client, db, sink, mail_settings
):
    an_hour = timedelta(hours=1)
    start = datetime.now(UTC) - 10 * an_hour
    for hour in range(6):  # someone asks for the victim's address hour after hour
        subscriptions.subscribe(db, mail_settings, "victim@example.org", now=start + hour * an_hour)
    jobs.send_due(db, mail_settings)
    assert (
        len(_confirmations(sink, "victim@example.org")) == subscriptions.CONFIRMATIONS_PER_ADDRESS
    )
    # The form answers the capped address as it answers a fresh one, and mails nothing more.
    assert _check_inbox_page(client, "victim@example.org") == _check_inbox_page(
        client, "fresh@example.org"
    )
    jobs.send_due(db, mail_settings)
    assert len(_confirmations(sink, "victim@example.org")) == 3
    assert len(_confirmations(sink, "fresh@example.org")) == 1
    # Confirming gives the address its confirmations back (after an unsubscribe it may ask again).
    subscriptions.confirm(
        db, mail_settings, digests.confirm_token_of(_confirmations(sink, "victim@example.org")[-1])
    )
    assert _subscription(db, "victim@example.org")["confirmations_sent"] == 0


def test_it_limits_subscriptions_from_one_address(client, db, sink, mail_settings):
    limit = subscriptions.SUBSCRIBE_QUOTA.limit
    for n in range(limit):
        assert client.post("/subscribe", data={"email": f"r{n}@example.org"}).status_code == 200
    refused = client.post("/subscribe", data={"email": "one-more@example.org"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many subscription requests" in refused.text
    assert 'value="one-more@example.org"' in refused.text  # kept in the field for later
    jobs.send_due(db, mail_settings)
    assert len(sink.received) == limit and _subscription(db, "one-more@example.org") is None
    # An IPv6 client is counted by its /64: rotating addresses within it gains nothing.
    for n in range(limit):
        subscriptions.subscribe(
            db, mail_settings, f"v{n}@example.org", client_address=f"2001:db8:1:2::{n + 1}"
        )
    with pytest.raises(quotas.Exceeded):
        subscriptions.subscribe(
            db, mail_settings, "v-more@example.org", client_address="2001:db8:1:2:ffff::9"
        )
    subscriptions.subscribe(  # another network is not held back
        db, mail_settings, "w@example.org", client_address="2001:db8:1:3::1"
    )


def test_it_does_not_resubscribe_with_an_old_confirmation_link_after_unsubscribing(
    client, db, sink, mail_settings, as_of
):
    digests.yesterdays_paper(db, as_of)
    client.post("/subscribe", data={"email": "alice@example.org"})
    jobs.send_due(db, mail_settings)
    link = _confirm_path(_confirmations(sink, "alice@example.org")[0])
    confirmed = client.post(link)
    assert "You are subscribed" in confirmed.text
    token = PREFERENCES_TOKEN.search(confirmed.text).group(1)
    assert "unsubscribed" in client.post(f"/unsubscribe/{token}").text

    again = client.post(link)  # the old mail's link, after the unsubscribe
    assert again.status_code == 410 and "This link has been used already" in again.text
    assert _subscription(db, "alice@example.org")["unsubscribed_at"] is not None
    jobs.run_once(db, mail_settings, as_of=as_of)
    assert [m.message["Subject"] for m in digests.mails_to(sink, "alice@example.org")] == [
        digests.CONFIRM_SUBJECT
    ]


def test_it_refuses_a_confirmation_link_used_twice(client, db, sink, mail_settings):
    client.post("/subscribe", data={"email": "alice@example.org"})
    jobs.send_due(db, mail_settings)
    link = _confirm_path(_confirmations(sink, "alice@example.org")[0])
    assert client.post(link).status_code == 200
    first = _subscription(db, "alice@example.org")
    for method in (client.post, client.get):
        second = method(link)
        assert second.status_code == 410
        assert "This link has been used already" in second.text
        assert "Nothing was changed" in second.text
    assert _subscription(db, "alice@example.org") == first


def test_it_mails_an_internationalised_domain_in_its_ascii_form(
    client, db, sink, mail_settings, as_of
):
    digests.yesterdays_paper(db, as_of)
    page = client.post("/subscribe", data={"email": "user@Bücher.example"})
    assert page.status_code == 200 and "user@bücher.example" in page.text
    jobs.send_due(db, mail_settings)
    [confirmation] = digests.mails_to(sink, "user@xn--bcher-kva.example")
    assert confirmation.message["To"] == "user@xn--bcher-kva.example"
    assert _subscription(db, "user@bücher.example")["email"] == "user@bücher.example"
    client.post(_confirm_path(confirmation))
    jobs.run_once(db, mail_settings, as_of=as_of)
    subjects = [m.message["Subject"] for m in digests.mails_to(sink, "user@xn--bcher-kva.example")]
    assert subjects[0] == digests.CONFIRM_SUBJECT and "1 top paper" in subjects[1]
    with db.read() as conn:
        assert outbox_store.counts(conn) == {"sent": 2}


def test_it_refuses_an_address_it_could_not_mail_with_a_clear_message(client, db):
    page = client.post("/subscribe", data={"email": "jörg@example.org"})
    assert page.status_code == 400
    assert "non-ASCII letters before the @" in page.text and 'class="field-error"' in page.text
    assert _subscription(db, "jörg@example.org") is None
