"""Adding, listing and removing webhooks: the URL rules, the SSRF guard, the limit per reader,
and nobody removing someone else's."""

from __future__ import annotations

import pytest

from dailypapers.feeds.records import NoSuchFeed
from dailypapers.webhooks import addresses, subscriptions
from dailypapers.webhooks.errors import (
    InvalidFormat,
    InvalidUrl,
    NoSuchWebhook,
    NotYours,
    TooManyWebhooks,
)
from tests.support import data

PUBLIC = "http://93.184.215.14/hooks/abc"  # a literal public address: no DNS needed


def _add(db, settings, user, url=PUBLIC, fmt="json", feed_id=None):
    return subscriptions.add(
        db, settings, user=user, feed_id=feed_id or data.feed(db, user).id, url=url, fmt=fmt
    )


def test_a_new_webhook_is_listed_for_its_owner_and_feed_with_its_secret_shown_once(
    db, settings, alice
):
    feed, other = data.feed(db, alice), data.feed(db, alice, "Other")
    webhook, secret = _add(db, settings, alice, fmt="slack", feed_id=feed.id)
    assert secret.startswith("whsec_") and len(secret) > 40
    assert (webhook.url, webhook.format, webhook.feed_id) == (PUBLIC, "slack", feed.id)
    assert webhook.state == "active" and webhook.stop_reason is None
    assert subscriptions.for_user(db, alice.id) == [webhook]
    assert subscriptions.for_feed(db, feed.id) == [webhook]
    assert subscriptions.for_feed(db, other.id) == []
    assert secret not in repr(webhook)
    assert _add(db, settings, alice)[1] != secret


def _refused_as_not_public(db, settings, user, urls):
    for url in urls:
        with pytest.raises(InvalidUrl, match="not a public address"):
            _add(db, settings, user, url)


def test_it_refuses_a_webhook_to_loopback(db, settings, alice):
    urls = ("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook")
    _refused_as_not_public(db, settings, alice, urls)
    assert subscriptions.for_user(db, alice.id) == []


def test_it_refuses_a_webhook_to_a_private_address(db, settings, alice):
    urls = ("http://10.1.2.3/", "https://192.168.0.10/h", "http://[fd00::1]/", "http://0.0.0.0/")
    _refused_as_not_public(db, settings, alice, urls)


def test_it_refuses_a_webhook_to_link_local_metadata(db, settings, alice):
    with pytest.raises(InvalidUrl, match="169.254.169.254"):
        _add(db, settings, alice, "http://169.254.169.254/latest/meta-data/")


def test_it_refuses_a_webhook_to_a_private_address_hidden_in_ipv6(db, settings, alice):
    urls = (
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[2002:a00:1::1]/",
    )
    _refused_as_not_public(db, settings, alice, urls)


def test_it_refuses_a_webhook_with_credentials_in_the_url(db, settings, alice):
    with pytest.raises(InvalidUrl, match="no user name or password"):
        _add(db, settings, alice, "https://user:secret@93.184.215.14/hook")


def test_it_refuses_urls_that_are_not_http_or_too_long(db, settings, alice):
    for url in ("ftp://93.184.215.14/", "file:///etc/passwd", "javascript:alert(1)", "http:///x",
                "http://93.184.215.14:99999/", "http://93.184.215.14/a b",
                "http://93.184.215.14/" + "a" * 2000):  # fmt: skip
        with pytest.raises(InvalidUrl):
            _add(db, settings, alice, url)


def test_it_allows_private_addresses_when_the_setting_is_on(db, private_ok, alice):
    webhook, _ = _add(db, private_ok, alice, "http://127.0.0.1:9/hook")
    assert webhook.url == "http://127.0.0.1:9/hook"


def test_it_refuses_an_unknown_format(db, settings, alice):
    with pytest.raises(InvalidFormat) as refused:
        _add(db, settings, alice, fmt="telegram")
    assert refused.value.parameter == "format"


def test_it_keeps_a_reader_to_the_most_webhooks_one_may_have(db, settings, alice, bob):
    for _ in range(subscriptions.MAX_PER_USER):
        _add(db, settings, alice)
    with pytest.raises(TooManyWebhooks):
        _add(db, settings, alice)
    assert _add(db, settings, bob)[0].user_id == bob.id


def test_it_keeps_bob_from_deleting_alices_webhook(db, settings, alice, bob):
    webhook, _ = _add(db, settings, alice)
    with pytest.raises(NotYours):
        subscriptions.remove(db, user_id=bob.id, webhook_id=webhook.id)
    assert subscriptions.for_user(db, alice.id) == [webhook]
    assert subscriptions.remove(db, user_id=alice.id, webhook_id=webhook.id) == webhook
    assert subscriptions.for_user(db, alice.id) == []
    with pytest.raises(NoSuchWebhook):
        subscriptions.remove(db, user_id=alice.id, webhook_id=webhook.id)


def test_the_guard_sends_to_the_address_it_checked_with_the_host_kept():
    target = addresses.check("http://[2606:4700::1111]:8080/p?q=1", allow_private=False)
    assert target.addresses == ("2606:4700::1111",)
    connect = addresses.connect_url(target, target.addresses[0])
    assert connect == "http://[2606:4700::1111]:8080/p?q=1"
    assert target.host_header == "[2606:4700::1111]:8080"


def test_it_refuses_a_webhook_on_bobs_private_feed(db, settings, alice, bob):
    private = data.feed(db, bob, "Mine", categories=["cs.CL"], private=True)
    with pytest.raises(NoSuchFeed):
        _add(db, settings, alice, feed_id=private.id)


def test_a_webhook_may_follow_a_public_feed_of_someone_else(db, settings, alice, bob):
    webhook, _ = _add(db, settings, alice, feed_id=data.feed(db, bob).id)
    assert webhook.user_id == alice.id
