"""Who is asking: actions that need a signed-in reader send a signed-out one to sign in, and
back to where they were."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.web import HTMX, page_token, sign_up

pytestmark = pytest.mark.store("feed")


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/papers/2506.08007/vote", {"vote": "up", "next": "/papers/date/2025-06-10#p1"}),
        ("/papers/2506.08007/comments", {"body": "hello"}),
        ("/submit", {"paper": "2506.08007"}),
    ],
)
def test_it_sends_a_signed_out_action_to_sign_in_and_back(client, path, data):
    response = client.post(
        path, data=data, headers={"Referer": "http://testserver/papers"}, follow_redirects=False
    )
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/signin"
    back = parse_qs(location.query)["next"][0]
    assert back == data.get("next", "/papers")


def test_it_asks_htmx_to_load_the_sign_in_page_for_a_signed_out_vote(client):
    response = client.post(
        "/papers/2506.08007/vote", data={"next": "/papers"}, headers=HTMX, follow_redirects=False
    )
    assert response.headers["hx-redirect"] == "/signin?next=/papers"


def test_it_sends_a_signed_out_reader_of_the_submit_page_to_sign_in(client):
    response = client.get("/submit?paper=2506.08007", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/submit%3Fpaper%3D2506.08007"


def test_it_comes_back_to_the_page_after_signing_in_from_a_vote_link(client):
    sign_up(client, "alice")
    client.post("/signout", data={"csrf_token": page_token(client)})
    signin = client.get("/signin?next=/papers/date/2025-06-10%23p5")
    assert 'name="next" value="/papers/date/2025-06-10#p5"' in signin.text
