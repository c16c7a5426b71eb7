""" "Never mail me again": one link in every mail puts the address on the suppression list, and
from then on nothing of any kind is queued or sent to it, whoever asks."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from dailypapers.accounts import credentials
from dailypapers.digest import jobs, tokens
from dailypapers.store import account_mail
from dailypapers.store import outbox as outbox_store
from dailypapers.store import subscriptions as subscription_store
from tests.support import data, digests

NEVER_MAIL = re.compile(r"https://papers\.example\.org(/never-mail/[A-Za-z0-9._\-]+)")


def _never_mail_path(mail) -> str:
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    path = NEVER_MAIL.search(text).group(1)
    assert path in html
    return path


def test_it_never_mails_an_address_that_asked_never_to_be_mailed_again(
    client, db, sink, mail_settings, as_of, readers
):
    digests.yesterdays_paper(db, as_of)
    [subscription] = readers("alice@example.org")
    jobs.run_once(db, mail_settings, as_of=as_of)
    [digest] = digests.mails_to(sink, "alice@example.org")
    path = _never_mail_path(digest)

    page = client.get(path)  # what a mail scanner does: nothing changes
    assert page.status_code == 200 and "Never mail me again</button>" in page.text
    assert "alice@example.org" in page.text
    with db.read() as conn:
        assert subscription_store.get(conn, subscription.id)["unsubscribed_at"] is None
    done = client.post(path)
    assert done.status_code == 200 and "We will never mail you again" in done.text
    assert client.post(path).status_code == 200  # again: still fine

    # Asking again through the form gets the usual answer and sends nothing.
    again = client.post("/subscribe", data={"email": "alice@example.org"})
    assert again.status_code == 200 and "Check your inbox" in again.text
    for days in (1, 2, 7):
        jobs.run_once(db, mail_settings, as_of=as_of + timedelta(days=days))
    assert digests.mails_to(sink, "alice@example.org") == [digest]


def test_it_cancels_every_kind_of_mail_queued_to_a_suppressed_address(
    client, db, sink, mail_settings, as_of, readers
):
    digests.yesterdays_paper(db, as_of)
    readers("carol@example.org")
    carol = data.person(db, "carol", verified=False)  # her verification mail waits
    jobs.compose_due(db, mail_settings, as_of)  # and so does her digest
    client.post(f"/never-mail/{tokens.never_mail_token(mail_settings, 'Carol@Example.org')}")
    # A reset mail to a suppressed address is not sent either: suppression means never mail.
    data.verify(db, carol)
    credentials.request_reset(db, mail_settings, "carol@example.org", address="192.0.2.1")
    jobs.send_due(db, mail_settings)
    assert digests.mails_to(sink, "carol@example.org") == []
    with db.read() as conn:
        kinds = {r["kind"]: r["status"] for r in account_mail.for_user(conn, carol.id)}
        counts = outbox_store.counts(conn)
    assert kinds == {"verify": "cancelled", "reset": "cancelled"}
    assert counts == {"sent": 1, "cancelled": 3}  # the confirmation, before; then nothing


def test_the_unsubscribe_page_links_to_never_mail_me_again(
    client, db, sink, mail_settings, as_of, readers
):
    digests.yesterdays_paper(db, as_of)
    readers("alice@example.org")
    jobs.run_once(db, mail_settings, as_of=as_of)
    [digest] = digests.mails_to(sink, "alice@example.org")
    unsubscribe = urlsplit(digest.message["List-Unsubscribe"].strip("<>")).path
    for page in (client.get(unsubscribe), client.post(unsubscribe)):
        assert _never_mail_path(digest) in page.text
