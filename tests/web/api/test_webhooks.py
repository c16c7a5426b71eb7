"""``/api/webhooks``: the caller's webhooks listed and deleted with a bearer token, owner only;
and ``POST /api/feeds/{id}/webhooks`` adding one to a feed the caller may read."""

from __future__ import annotations

from dailypapers.webhooks import subscriptions
from tests.support import data

URL = "https://93.184.215.14/api/webhooks/123/SecretToken"


def _add(db, settings, user):
    return data.webhook(db, settings, user, URL, "discord")[0]


def test_it_lists_the_callers_webhooks_with_their_path_clipped(
    client, db, settings, alice, alice_token
):
    webhook = _add(db, settings, alice)
    listed = client.get("/api/webhooks", headers=data.bearer(alice_token))
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": webhook.id,
            "feedId": webhook.feed_id,
            "url": "https://93.184.215.14/api/webhook…",
            "format": "discord",
            "state": "active",
            "createdAt": listed.json()[0]["createdAt"],
        }
    ]
    assert client.get("/api/webhooks").status_code == 401


def test_the_owner_deletes_a_webhook(client, db, settings, alice, alice_token):
    webhook = _add(db, settings, alice)
    gone = client.delete(f"/api/webhooks/{webhook.id}", headers=data.bearer(alice_token))
    assert gone.status_code == 200 and gone.json()["id"] == webhook.id
    assert subscriptions.for_user(db, alice.id) == []
    again = client.delete(f"/api/webhooks/{webhook.id}", headers=data.bearer(alice_token))
    assert again.status_code == 404 and again.json()["parameter"] == "webhookId"


def test_it_keeps_bob_from_deleting_alices_webhook(client, db, settings, alice, bob):
    webhook = _add(db, settings, alice)
    bobs = data.api_token(db, bob)
    refused = client.delete(f"/api/webhooks/{webhook.id}", headers=data.bearer(bobs))
    assert refused.status_code == 403 and refused.json()["parameter"] == "webhookId"
    assert client.delete(f"/api/webhooks/{webhook.id}").status_code == 401
    assert subscriptions.for_user(db, alice.id) == [webhook]


def test_a_feeds_owner_adds_a_webhook_and_sees_its_secret_once(db, settings, client, alice):
    feed = data.feed(db, alice)
    token = data.bearer(data.api_token(db, alice))
    made = client.post(
        f"/api/feeds/{feed.id}/webhooks", json={"url": URL, "format": "json"}, headers=token
    )
    assert made.status_code == 201, made.text
    assert made.json()["secret"].startswith("whsec_") and made.json()["feedId"] == feed.id
    listed = client.get("/api/webhooks", headers=token).json()
    assert [w["id"] for w in listed] == [made.json()["id"]] and "secret" not in listed[0]
    refused = client.post(
        f"/api/feeds/{feed.id}/webhooks",
        json={"url": "http://127.0.0.1/", "format": "json"},
        headers=token,
    )
    assert refused.status_code == 400 and refused.json()["parameter"] == "url"
    assert "not a public address" in refused.json()["error"]


def test_it_keeps_alice_from_hooking_bobs_private_feed(db, client, alice, bob):
    private = data.feed(db, bob, "Mine", categories=["cs.CL"], private=True)
    token = data.bearer(data.api_token(db, alice))
    refused = client.post(
        f"/api/feeds/{private.id}/webhooks", json={"url": URL, "format": "json"}, headers=token
    )
    assert refused.status_code == 404 and refused.json()["parameter"] == "feedId"
