"""``GET /api/tokens`` and ``DELETE /api/tokens/{tokenId}``: the caller's own tokens, listed
without their secrets, revoked (then refused even for reads), never someone else's."""

from __future__ import annotations

import hashlib

import pytest

from dailypapers.accounts import tokens
from dailypapers.db.schema import api_tokens
from tests.support import data

pytestmark = pytest.mark.store("api")


def test_it_stores_only_the_hash_of_a_token(db, alice_token):
    with db.read() as conn:
        stored = conn.execute(api_tokens.select()).mappings().all()
    assert len(stored) == 1
    assert stored[0]["token_hash"] == hashlib.sha256(alice_token.encode()).hexdigest()
    assert alice_token not in str(dict(stored[0]))
    assert alice_token.startswith("dp_") and len(alice_token) > 40


def test_it_lists_tokens_without_their_secrets(client, alice_token):
    listed = client.get("/api/tokens", headers=data.bearer(alice_token)).json()
    assert len(listed) == 1 and listed[0]["kind"] == "api"
    assert alice_token.startswith(listed[0]["prefix"]) and alice_token not in str(listed)


def test_it_refuses_a_revoked_token_even_for_reads(client, db, alice_token):
    assert client.get("/api/tokens", headers=data.bearer(alice_token)).status_code == 200
    token_id = client.get("/api/tokens", headers=data.bearer(alice_token)).json()[0]["id"]
    revoked = client.delete(f"/api/tokens/{token_id}", headers=data.bearer(alice_token))
    assert revoked.status_code == 200 and revoked.json()["revokedAt"]
    for method, path in (("GET", "/api/daily_papers"), ("POST", "/api/papers/2506.08007/upvote")):
        answer = client.request(method, path, headers=data.bearer(alice_token))
        assert answer.status_code == 401
    assert tokens.resolve(db, alice_token, "api") is None


def test_it_forbids_revoking_someone_elses_token(client, db, alice_token, bob):
    bob_token = data.api_token(db, bob)
    bobs = client.get("/api/tokens", headers=data.bearer(bob_token)).json()[0]["id"]
    answer = client.delete(f"/api/tokens/{bobs}", headers=data.bearer(alice_token))
    assert answer.status_code == 403 and answer.json()["parameter"] == "tokenId"
    assert client.get("/api/tokens", headers=data.bearer(bob_token)).status_code == 200
    answer = client.delete("/api/tokens/999999", headers=data.bearer(alice_token))
    assert answer.status_code == 404 and answer.json()["parameter"] == "tokenId"
