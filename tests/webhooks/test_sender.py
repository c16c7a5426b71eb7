"""Delivering to real HTTP receivers on loopback: signed bodies of each shape, retries with the
same delivery id, and a webhook stopped (with the reason shown) when its receiver refuses."""

from __future__ import annotations

import hashlib
import hmac
import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, insert, select

from dailypapers.db.schema import webhook_deliveries, webhooks
from dailypapers.store import webhook_deliveries as delivery_store
from dailypapers.webhooks import jobs, outbox, sender, subscriptions
from dailypapers.webhooks.records import FORMATS
from tests.support import data
from tests.support.receivers import Reply
from tests.support.webhook_shapes import PROBLEMS
from tests.webhooks.conftest import batch_of

pytestmark = pytest.mark.store("feed")


def _hook(db, settings, user, url, fmt="json"):
    return data.webhook(db, settings, user, url, fmt)


def _queue(db, settings, webhook, cards):
    return outbox.enqueue(db, settings, webhook.id, batch_of(cards), datetime.now(UTC))


def _statuses(db, webhook):
    return [d.status for d in outbox.deliveries(db, webhook.id)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_body_arrives_valid_for_its_shape_and_signed(
    db, private_ok, alice, receiver, cards, fmt
):
    webhook, secret = _hook(db, private_ok, alice, receiver.url + "/hook?team=1", fmt)
    ids = _queue(db, private_ok, webhook, cards + cards)  # several messages of every format
    assert len(ids) > 1
    done = jobs.deliver_once(db, private_ok)
    assert (done.delivered, done.failed, done.retried) == (len(ids), 0, 0)
    assert [r.delivery_id for r in receiver.received] == ids
    for request in receiver.received:
        assert request.path == "/hook?team=1"
        assert request.headers["x-dailypapers-event"] == "papers"
        assert request.headers["content-type"] == "application/json"
        assert request.headers["host"] == receiver.url.removeprefix("http://")
        expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(request.headers["x-dailypapers-signature-256"], expected)
        assert PROBLEMS[fmt](request.json()) == []
    assert _statuses(db, webhook) == ["delivered"] * len(ids)
    assert subscriptions.for_user(db, alice.id)[0].last_delivery_at is not None


def _remembering_a_busy_outbox(db, webhook_id: int) -> None:
    """The planner's statistics of many webhooks and deliveries (ANALYZE), the rows then gone:
    what a database that once served a busy outbox remembers."""
    now = datetime.now(UTC)
    with db.write() as conn:
        row = conn.execute(select(webhooks).where(webhooks.c.id == webhook_id)).mappings().one()
        copy = {k: v for k, v in row.items() if k != "id"}
        conn.execute(insert(webhooks), [copy] * 20_000)
        busy = {"body": "{}", "status": "delivered", "attempts": 1}
        busy |= {"next_attempt_at": now, "queued_at": now}
        conn.execute(
            insert(webhook_deliveries),
            [{**busy, "webhook_id": webhook_id, "delivery_id": f"busy-{n}"} for n in range(5000)],
        )
    with db.write() as conn:
        conn.exec_driver_sql("ANALYZE webhooks")
        conn.exec_driver_sql("ANALYZE webhook_deliveries")
        conn.execute(delete(webhook_deliveries))
        conn.execute(delete(webhooks).where(webhooks.c.id != webhook_id))


def test_a_claim_takes_one_batch_of_the_oldest_due_whatever_the_planner_remembers(
    db, private_ok, alice, receiver, cards
):
    webhook, _ = _hook(db, private_ok, alice, receiver.url, "discord")
    _remembering_a_busy_outbox(db, webhook.id)
    ids = _queue(db, private_ok, webhook, cards + cards)
    assert len(ids) > 10
    now = datetime.now(UTC)
    with db.write() as conn:
        claimed = delivery_store.claim(conn, "w1", now, now + timedelta(minutes=5), 10)
    assert [row["delivery_id"] for row in claimed] == ids[:10]
    assert jobs.deliver_once(db, private_ok).delivered == len(ids) - 10  # the rest, once
    assert [r.delivery_id for r in receiver.received] == ids[10:]


def test_a_signature_made_with_another_secret_does_not_verify(
    db, private_ok, alice, receiver, cards
):
    webhook, _ = _hook(db, private_ok, alice, receiver.url)
    _queue(db, private_ok, webhook, cards[:2])
    jobs.deliver_once(db, private_ok)
    request = receiver.received[0]
    forged = "sha256=" + hmac.new(b"whsec_guess", request.body, hashlib.sha256).hexdigest()
    assert not hmac.compare_digest(request.headers["x-dailypapers-signature-256"], forged)


def test_a_receiver_failing_twice_gets_the_batch_once_more_with_the_same_delivery_id(
    db, private_ok, alice, receiver, cards
):
    receiver.answer(Reply(500, body=b"oops"), Reply(503))
    webhook, _ = _hook(db, private_ok, alice, receiver.url)
    [delivery_id] = _queue(db, private_ok, webhook, cards[:3])
    rounds = [jobs.deliver_once(db, private_ok) for _ in range(3)]
    assert [(r.retried, r.delivered) for r in rounds] == [(1, 0), (1, 0), (0, 1)]
    assert [r.delivery_id for r in receiver.received] == [delivery_id] * 3
    assert len({r.body for r in receiver.received}) == 1
    [delivery] = outbox.deliveries(db, webhook.id)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 3, 200)
    assert jobs.deliver_once(db, private_ok).delivered == 0 and len(receiver.received) == 3


def test_it_waits_as_long_as_a_429_asks(db, private_ok, alice, receiver, cards):
    receiver.answer(Reply(429, {"Retry-After": "120"}))
    webhook, _ = _hook(db, private_ok, alice, receiver.url)
    _queue(db, private_ok, webhook, cards[:3])
    assert jobs.deliver_once(db, private_ok).retried == 1
    assert jobs.deliver_once(db, private_ok).retried == 0  # not due for two minutes
    [delivery] = outbox.deliveries(db, webhook.id)
    assert (delivery.status, delivery.response_status, len(receiver.received)) == ("queued", 429, 1)


def test_a_receiver_answering_410_stops_the_webhook_and_its_owner_sees_why(
    db, private_ok, alice, receiver, cards
):
    receiver.answer(Reply(410, body=b"this channel was archived"))
    webhook, _ = _hook(db, private_ok, alice, receiver.url, "slack")
    _queue(db, private_ok, webhook, cards[:3])
    _queue(db, private_ok, webhook, cards[3:6])
    done = jobs.deliver_once(db, private_ok)
    assert (done.failed, done.stopped, done.cancelled, len(receiver.received)) == (1, 1, 1, 1)
    [seen] = subscriptions.for_user(db, alice.id)
    assert seen.state == "stopped"
    assert seen.stop_reason == "HTTP 410 Gone: this channel was archived"
    assert _statuses(db, webhook) == ["failed", "cancelled"]
    assert subscriptions.for_feed(db, 1) == []
    assert _queue(db, private_ok, webhook, cards[:3]) == []  # nothing more is queued for it


def test_it_follows_no_redirect_and_stops_the_webhook(db, private_ok, alice, receiver, cards):
    elsewhere = receiver.url + "/elsewhere"
    receiver.answer(Reply(302, {"Location": elsewhere}))
    webhook, _ = _hook(db, private_ok, alice, receiver.url + "/hook", "discord")
    _queue(db, private_ok, webhook, cards[:3])
    jobs.deliver_once(db, private_ok)
    assert [r.path for r in receiver.received] == ["/hook"]
    [seen] = subscriptions.for_user(db, alice.id)
    assert seen.state == "stopped" and "redirect to " + elsewhere in seen.stop_reason


def test_it_stops_a_webhook_on_a_client_error(db, private_ok, alice, receiver, cards):
    receiver.answer(Reply(404, body=b"<html>  no such\n hook </html>"))
    webhook, _ = _hook(db, private_ok, alice, receiver.url)
    _queue(db, private_ok, webhook, cards[:3])
    jobs.deliver_once(db, private_ok)
    [seen] = subscriptions.for_user(db, alice.id)
    assert seen.stop_reason == "HTTP 404 Not Found: <html> no such hook </html>"


def test_a_receiver_too_slow_to_answer_is_tried_again(
    db, private_ok, alice, receiver, cards, monkeypatch
):
    monkeypatch.setattr(sender, "TIMEOUT", 0.2)
    receiver.answer(Reply(200, delay=1.0))
    webhook, _ = _hook(db, private_ok, alice, receiver.url)
    [delivery_id] = _queue(db, private_ok, webhook, cards[:3])
    assert jobs.deliver_once(db, private_ok).retried == 1
    assert "no answer within" in outbox.deliveries(db, webhook.id)[0].last_error
    assert jobs.deliver_once(db, private_ok).delivered == 1
    assert [r.delivery_id for r in receiver.received] == [delivery_id] * 2


def test_a_receiver_that_is_down_is_tried_again(db, private_ok, alice, cards):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    webhook, _ = _hook(db, private_ok, alice, closed)
    _queue(db, private_ok, webhook, cards[:3])
    assert jobs.deliver_once(db, private_ok).retried == 1
    [delivery] = outbox.deliveries(db, webhook.id)
    assert delivery.status == "queued" and "cannot reach 127.0.0.1" in delivery.last_error


def test_it_gives_up_on_a_delivery_failing_for_too_long(
    db, private_ok, alice, receiver, cards, monkeypatch
):
    monkeypatch.setattr(sender, "GIVE_UP_AFTER", timedelta(0))
    receiver.answer(Reply(500))
    webhook, _ = _hook(db, private_ok, alice, receiver.url)
    _queue(db, private_ok, webhook, cards[:3])
    assert jobs.deliver_once(db, private_ok).failed == 1
    [delivery] = outbox.deliveries(db, webhook.id)
    assert delivery.status == "failed" and delivery.last_error.startswith(
        "gave up after 1 attempts"
    )
    assert subscriptions.for_user(db, alice.id)[0].state == "active"


def test_it_refuses_at_send_time_an_address_no_longer_allowed(
    db, settings, private_ok, alice, receiver, cards
):
    webhook, _ = _hook(db, private_ok, alice, receiver.url)
    _queue(db, private_ok, webhook, cards[:3])
    jobs.deliver_once(db, settings)  # the operator turned private addresses off meanwhile
    assert receiver.received == []
    [seen] = subscriptions.for_user(db, alice.id)
    assert seen.state == "stopped" and "not a public address" in seen.stop_reason
