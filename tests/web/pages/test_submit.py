"""Submitting papers the store does not have yet: metadata from arXiv's API (recorded answers)."""

from __future__ import annotations

import json
import socket
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from dailypapers.papers import detail
from dailypapers.web.app import create_app
from tests.support import data, replay
from tests.support.corpora import UNLISTED_ID
from tests.support.replay import ARXIV_API_PATH, ATOM_TYPE, Answer, recorded_bytes
from tests.support.web import page_token, sign_in

pytestmark = pytest.mark.store("feed")


@pytest.fixture
def arxiv_client(settings, db, arxiv_api_server, alice):
    app = create_app(settings.model_copy(update={"arxiv_api_url": arxiv_api_server}), db)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield sign_in(client, alice)


def submit(client: TestClient, pasted: str):
    return client.post(
        "/submit",
        data={"csrf_token": page_token(client, "/submit"), "paper": pasted},
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("pasted", "key", "title"),
    [
        (
            "https://arxiv.org/abs/1605.08386v1",
            "1605.08386",
            "Heat-bath random walks with Markov bases",
        ),
        ("astro-ph/0601001", "astro-ph/0601001", None),
    ],
)
def test_it_fetches_a_paper_from_arxiv_when_it_is_submitted(arxiv_client, db, pasted, key, title):
    response = submit(arxiv_client, pasted)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/papers/{key}?submitted=1"
    page = arxiv_client.get(f"/papers/{key}")
    assert page.status_code == 200
    view = detail.load(db, key)
    entries = view.entries
    assert view.paper.source == "arxiv-api"
    assert [e["feed_day"] for e in entries] == [datetime.now(UTC).date()]
    assert entries[0]["submitter_username"] == "alice" and entries[0]["source"] == "local"
    if title:
        assert title in page.text and "math.CO" in page.text


def test_it_says_so_when_arxiv_has_no_such_paper(arxiv_client, arxiv_api_replay, shared_data):
    # arXiv answers an unknown id with an empty feed: its recorded answer for 0808.05394 (an id
    # our parser already refuses), served for a well-formed id it has never issued.
    recorded = json.loads(
        next((shared_data / "fixtures" / "arxiv-api").glob("id_0808.05394_s0_*.json")).read_text()
    )
    arxiv_api_replay.add(
        ARXIV_API_PATH,
        {
            "search_query": "",
            "id_list": "2412.99999",
            "sortBy": "relevance",
            "sortOrder": "descending",
            "start": "0",
            "max_results": "100",
        },
        Answer(200, recorded_bytes(recorded["body"]), ATOM_TYPE),
    )
    response = submit(arxiv_client, "https://arxiv.org/abs/2412.99999")
    assert response.status_code == 400
    assert "arXiv has no paper 2412.99999" in response.text
    assert arxiv_api_replay.requests_to(ARXIV_API_PATH, id_list="2412.99999")


def test_it_refuses_a_malformed_id_without_asking_arxiv(arxiv_client, arxiv_api_replay):
    response = submit(arxiv_client, "0808.05394")
    assert response.status_code == 400 and "four digits after the dot" in response.text
    assert arxiv_api_replay.requests == []


def test_it_says_so_when_arxiv_cannot_be_reached(settings, db, alice):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/api/query"
    app = create_app(settings.model_copy(update={"arxiv_api_url": dead}), db)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = submit(sign_in(client, alice), "1605.08386")
    assert response.status_code == 502
    assert "could not be asked about 1605.08386" in response.text
    assert 'value="1605.08386"' in response.text


# -- submitting papers the store has -----------------------------------------------------------


@pytest.mark.parametrize(
    "pasted",
    [
        UNLISTED_ID,
        f"{UNLISTED_ID}v3",
        f"https://arxiv.org/abs/{UNLISTED_ID}",
        f"https://arxiv.org/pdf/{UNLISTED_ID}v1.pdf",
        f"arXiv:{UNLISTED_ID}",
    ],
)
def test_it_puts_a_submitted_paper_into_todays_feed(alice, db, pasted, as_user):
    alice_client = as_user(alice)
    form = alice_client.get("/submit")
    assert form.status_code == 200 and 'for="paper"' in form.text
    response = alice_client.post(
        "/submit",
        data={"csrf_token": page_token(alice_client, "/submit"), "paper": pasted},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/papers/{UNLISTED_ID}?submitted=1"
    page = alice_client.get(response.headers["location"]).text
    assert "Submitted: the paper is in today’s feed." in page
    assert 'submitted by <a href="/users/alice">alice</a>' in page
    newest = alice_client.get("/papers").text
    assert f'href="/papers/{UNLISTED_ID}"' in newest
    assert "A Paper Nobody Submitted Yet" in alice_client.get("/users/alice").text


def test_it_refuses_a_paper_already_in_the_feed_with_a_clear_message(alice, as_user):
    alice_client = as_user(alice)
    response = alice_client.post(
        "/submit",
        data={
            "csrf_token": page_token(alice_client, "/submit"),
            "paper": "https://arxiv.org/abs/2506.08007v2",
        },
    )
    assert response.status_code == 409
    assert "already in the feed: it was featured on 2025-06-10" in response.text
    assert 'value="https://arxiv.org/abs/2506.08007v2"' in response.text
    assert 'id="paper-error"' in response.text


def test_it_refuses_a_second_submission_of_the_same_paper_today(alice, bob, as_user):
    alice_client = as_user(alice)
    bob_client = as_user(bob)
    alice_client.post(
        "/submit", data={"csrf_token": page_token(alice_client, "/submit"), "paper": UNLISTED_ID}
    )
    again = bob_client.post(
        "/submit", data={"csrf_token": page_token(bob_client, "/submit"), "paper": UNLISTED_ID}
    )
    assert again.status_code == 409 and "already in the feed" in again.text


@pytest.mark.parametrize(
    "pasted", ["", "not an id", "2513.00001", "https://example.org/x", "<script>alert(1)</script>"]
)
def test_it_reshows_the_form_for_what_is_no_arxiv_id(alice, pasted, as_user):
    alice_client = as_user(alice)
    response = alice_client.post(
        "/submit", data={"csrf_token": page_token(alice_client, "/submit"), "paper": pasted}
    )
    assert response.status_code == 400
    assert 'id="paper-error"' in response.text and "Not an arXiv id" in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_it_stops_a_user_at_the_daily_submission_limit(settings, db, carol):
    ids = [f"2506.9901{i}" for i in range(3)]
    data.store(db, *(data.paper(i, f"Paper {i}", abstract="A.", authors=["A"]) for i in ids))
    app = create_app(settings.model_copy(update={"submissions_per_day": 2}), db)
    with TestClient(app) as client:
        sign_in(client, carol)
        statuses = [
            client.post(
                "/submit",
                data={"csrf_token": page_token(client, "/submit"), "paper": i},
                follow_redirects=False,
            )
            for i in ids
        ]
        assert [r.status_code for r in statuses] == [303, 303, 429]
        assert "the daily limit" in statuses[2].text
        assert "0 left today" in client.get("/submit").text


def test_it_says_on_the_form_when_a_lookup_of_the_same_user_is_under_way(
    arxiv_client, arxiv_api_replay
):
    asking, answering = replay.held(arxiv_api_replay, ARXIV_API_PATH, replay.id_query("1605.08386"))
    second_tab = TestClient(
        arxiv_client.app, raise_server_exceptions=False, cookies=arxiv_client.cookies
    )
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(submit, arxiv_client, "1605.08386")
        try:
            assert asking.wait(30)
            refused = submit(second_tab, "astro-ph/0601001")
        finally:
            answering.set()
        assert first.result(30).status_code == 303
    assert refused.status_code == 429
    assert "Your previous lookup on arXiv is still under way" in refused.text
