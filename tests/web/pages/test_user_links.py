"""Links to people's pages carry an imported username as one percent-encoded path segment, so a
name such as ``../../signout`` never becomes a link to another route."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

import httpx
import pytest

from dailypapers.ingest.pipeline import Pipeline
from dailypapers.ingest.records import UserRef
from tests.support import data

DAY = date(2026, 2, 3)
# name -> the href its links must have
NAMES = {
    "../../signout": "/users/..%2F..%2Fsignout",
    "Zoë van der Berg": "/users/Zo%C3%AB%20van%20der%20Berg",
    "what?is#this&x=1": "/users/what%3Fis%23this%26x%3D1",
    "100%2Fsure": "/users/100%252Fsure",
}


@pytest.fixture
def submitted(db):
    """One feed entry per name of NAMES, submitted upstream by that name."""
    entries = []
    for n, name in enumerate(NAMES, 1):
        entry = data.in_feed(data.paper(f"2602.{n:05d}", f"Paper of {name}"), DAY)
        entry.submitter = UserRef(username=name, upstream_id=f"{n:024x}")
        entries.append(entry)
    assert Pipeline(db).run(entries).rejected == 0
    return entries


def _user_links(html: str) -> set[str]:
    return set(re.findall(r'href="(/users/[^"]*)"', html))


def test_it_encodes_an_imported_username_in_every_link_to_its_page(client, submitted):
    day = client.get(f"/papers/date/{DAY.isoformat()}")
    assert _user_links(day.text) == set(NAMES.values())
    for entry in submitted:
        paper = client.get(f"/papers/{entry.paper.arxiv_id}")
        assert _user_links(paper.text) == {NAMES[entry.submitter.username]}


def test_it_never_lets_a_username_link_to_another_route(live_server, submitted):
    # Under a real server: the test client decodes a path twice (%252F would become "/").
    for name, href in NAMES.items():
        answer = httpx.get(live_server + href, follow_redirects=False)
        assert unquote(href[len("/users/") :]) == name
        if "/" in name:  # its one segment holds a "/", which no route's segment takes
            assert answer.status_code == 404
        else:
            assert answer.status_code == 200, name
            assert f"<h1>{name.replace('&', '&amp;')}</h1>" in answer.text
            feed = httpx.get(f"{live_server}/feeds{href}.atom")
            assert feed.status_code == 200 and f'href="http://testserver{href}"' in feed.text


def test_it_keeps_an_entry_whose_submitter_name_is_only_dots_without_a_submitter(client, db):
    entry = data.in_feed(data.paper("2602.00009"), DAY)
    entry.submitter = UserRef(username="..", upstream_id="9" * 24)
    assert Pipeline(db).run([entry]).new == 1
    assert _user_links(client.get(f"/papers/date/{DAY.isoformat()}").text) == set()
