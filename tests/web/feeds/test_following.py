"""A feed's Atom and RSS addresses (``web/feeds/following.py``): a token that is not one of
ours is refused before it is read."""

from __future__ import annotations

import pytest

from tests.support import data

pytestmark = pytest.mark.store("feed")


@pytest.mark.parametrize("token", ["%1F", "%00", "a%0Ab", "%C3%8DHO", "a.b"])
def test_it_refuses_a_private_address_token_with_characters_no_token_has(client, db, alice, token):
    feed = data.feed(db, alice)
    answer = client.get(f"/feeds/following/{feed.id}/{token}.atom")
    assert 400 <= answer.status_code < 500, answer.text
