"""The settings page of a reader's webhooks: listed with the URL's path clipped and a stopped
one's reason, deleted through a CSRF form, never someone else's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dailypapers.papers import catalog
from dailypapers.webhooks import jobs, outbox, subscriptions
from tests.support import data
from tests.support.receivers import Receiver, Reply
from tests.support.web import csrf_token_of
from tests.webhooks.conftest import batch_of

pytestmark = pytest.mark.store("feed")
SLACK_LIKE = "https://93.184.215.14/services/T0001/B0002/Secret12345"


def _add(db, settings, user, url=SLACK_LIKE, fmt="slack"):
    return data.webhook(db, settings, user, url, fmt)[0]


def _stopped_by_a_410(db, settings, user):
    """A webhook whose receiver answered 410 Gone to its first delivery."""
    allowed = settings.model_copy(update={"webhook_allow_private": True})
    receiver = Receiver(Reply(410, body=b"channel archived")).start()
    try:
        webhook = _add(db, allowed, user, receiver.url + "/gone", "json")
        cards, _ = catalog.newest(db, 2)
        outbox.enqueue(db, allowed, webhook.id, batch_of(cards), datetime.now(UTC))
        jobs.deliver_once(db, allowed)
    finally:
        receiver.stop()
    return webhook


def test_a_reader_sees_their_webhooks_and_why_one_stopped(db, settings, alice, bob, as_user):
    _add(db, settings, alice)
    _stopped_by_a_410(db, settings, alice)
    _add(db, settings, bob, "http://93.184.215.14/bobs-own-hook")
    page = as_user(alice).get("/settings/webhooks")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "https://93.184.215.14/services/T0…" in page.text
    assert "Secret12345" not in page.text and "bobs-own-hook" not in page.text
    assert "stopped</strong>: HTTP 410 Gone: channel archived" in page.text
    assert page.text.count("Delete</button>") == 2


def _delete_on_the_page(browser, webhook_id):
    """The page's Delete button of webhook ``webhook_id``, pressed."""
    page = browser.get("/settings/webhooks")
    return browser.post(
        "/settings/webhooks/delete",
        data={"csrf_token": csrf_token_of(page.text), "webhook_id": webhook_id},
    )


def test_a_reader_deletes_a_webhook_on_the_page(db, settings, alice, as_user):
    webhook = _add(db, settings, alice)
    answer = _delete_on_the_page(as_user(alice), webhook.id)
    assert answer.status_code == 200 and "No webhooks yet." in answer.text
    assert subscriptions.for_user(db, alice.id) == []


def test_it_keeps_bob_from_deleting_alices_webhook_on_the_page(db, settings, alice, bob, as_user):
    webhook = _add(db, settings, alice)
    browser = as_user(bob)
    assert _delete_on_the_page(browser, webhook.id).status_code == 403
    assert _delete_on_the_page(browser, webhook.id + 1000).status_code == 404
    assert subscriptions.for_user(db, alice.id) == [webhook]


def test_the_page_needs_sign_in_and_deleting_a_csrf_token(db, settings, client, alice, as_user):
    webhook = _add(db, settings, alice)
    answer = client.get("/settings/webhooks", follow_redirects=False)
    assert answer.status_code == 303 and "/signin" in answer.headers["location"]
    forged = as_user(alice).post(
        "/settings/webhooks/delete", data={"csrf_token": "forged", "webhook_id": webhook.id}
    )
    assert forged.status_code == 403
    assert subscriptions.for_user(db, alice.id) == [webhook]
