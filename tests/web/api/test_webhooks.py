"""``/api/webhooks``: the caller's webhooks listed and deleted with a bearer token, owner only;
and the answer the feeds' ``POST /api/feeds/{id}/webhooks`` gives (``webhooks.create``)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from dailypapers.web.api import webhooks as webhook_api
from dailypapers.web.plumbing import errors
from dailypapers.webhooks import subscriptions
from tests.support import data

URL = "https://93.184.215.14/api/webhooks/123/SecretToken"


def _add(db, settings, user):
    return subscriptions.add(db, settings, user_id=user.id, feed_id=5, url=URL, fmt="discord")[0]


def test_it_lists_the_callers_webhooks_with_their_path_clipped(
    client, db, settings, alice, alice_token
):
    webhook = _add(db, settings, alice)
    listed = client.get("/api/webhooks", headers=data.bearer(alice_token))
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": webhook.id,
            "feedId": 5,
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


def _feed_route(db, settings, user_id) -> TestClient:
    """An app with the route the feeds add, as they will write it (their feed check aside)."""
    app = FastAPI()
    app.state.db, app.state.settings = db, settings
    errors.install(app)

    @app.post("/api/feeds/{feed_id}/webhooks", status_code=201)
    async def add(
        request: Request, feed_id: int, body: webhook_api.WebhookIn
    ) -> webhook_api.WebhookOut:
        return await webhook_api.create(request, user_id, feed_id, body)

    return TestClient(app)


def test_the_feeds_route_answers_a_new_webhook_with_its_secret_once(db, settings, alice):
    route = _feed_route(db, settings, alice.id)
    made = route.post("/api/feeds/9/webhooks", json={"url": URL, "format": "json"})
    assert made.status_code == 201, made.text
    assert made.json()["secret"].startswith("whsec_") and made.json()["feedId"] == 9
    refused = route.post(
        "/api/feeds/9/webhooks", json={"url": "http://127.0.0.1/", "format": "json"}
    )
    assert refused.status_code == 400 and refused.json()["parameter"] == "url"
    assert "not a public address" in refused.json()["error"]
