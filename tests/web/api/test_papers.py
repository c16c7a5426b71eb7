"""/api/papers/{id} (flattened, old-style ids) and /api/papers (every paper, cursor paging)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dailypapers.ingest.records import PaperRecord
from dailypapers.store import papers as paper_store
from tests.support import data

pytestmark = pytest.mark.store("api")


def test_it_answers_one_paper_flattened_like_its_feed_entry(client):
    entry = client.get("/api/daily_papers", params={"date": "2026-03-06", "limit": 1}).json()[0]
    answer = client.get(f"/api/papers/{entry['paper']['id']}")
    assert answer.status_code == 200
    assert answer.json() == entry["paper"]


def test_it_ignores_a_version_suffix_and_accepts_an_arxiv_url(client):
    plain = client.get("/api/papers/2506.08007").json()
    assert client.get("/api/papers/2506.08007v3").json() == plain
    assert client.get("/api/papers/arXiv:2506.08007").json() == plain


def test_it_answers_an_old_style_id_with_its_slash(client, db):
    data.store(
        db,
        PaperRecord(
            arxiv_id="hep-th/9901001",
            version=2,
            title="An old paper",
            abstract="About strings.",
            authors=["Ada Lovelace", "Alan Turing"],
            published_at=datetime(1999, 1, 4, 12, tzinfo=UTC),
            source="test",
        ),
    )
    answer = client.get("/api/papers/hep-th/9901001")
    assert answer.status_code == 200
    paper = answer.json()
    assert paper["id"] == "hep-th/9901001"
    assert [a["name"] for a in paper["authors"]] == ["Ada Lovelace", "Alan Turing"]
    assert paper["publishedAt"] == "1999-01-04T12:00:00.000Z"
    assert "submittedOnDailyAt" not in paper and paper["upvotes"] == 0
    assert client.get("/api/papers/hep-th/9901001v2").json() == paper
    assert client.get("/api/papers/hep-th%2F9901001").json() == paper


def test_it_answers_a_paper_outside_the_feed(client):
    page = client.get("/api/papers", params={"limit": 100}).json()
    outside = [p for p in page if "submittedOnDailyAt" not in p]
    assert outside, "the listing day's papers never entered the feed"
    answer = client.get(f"/api/papers/{outside[0]['id']}").json()
    assert answer == outside[0] and answer["upvotes"] == 0


@pytest.mark.parametrize(
    "paper_id", ["2601.99999", "abc", "2613.00001", "hep-th/99", "x" * 300, "2506.08007/extra"]
)
def test_it_answers_404_naming_id_for_an_unknown_or_malformed_id(client, paper_id):
    answer = client.get(f"/api/papers/{paper_id}")
    assert answer.status_code == 404
    assert answer.json()["parameter"] == "id" and answer.json()["error"]


def test_it_pages_through_every_paper_newest_first_by_cursor(client, db):
    seen: list[dict] = []
    url = "/api/papers?limit=37"
    pages = 0
    while url:
        answer = client.get(url)
        assert answer.status_code == 200
        seen.extend(answer.json())
        link = answer.headers.get("link")
        url = link[1 : link.index(">")] if link else None
        pages += 1
    ids = [p["id"] for p in seen]
    with db.read() as conn:
        assert len(ids) == len(set(ids)) == paper_store.count(conn)
    assert pages == -(-len(ids) // 37)
    dates = [p.get("publishedAt") for p in seen]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)


@pytest.mark.parametrize("cursor", ["nope", "WyJ4IiwgMV0", "W251bGwsICJ4Il0", "e30"])
def test_it_refuses_a_cursor_it_did_not_make(client, cursor):
    answer = client.get("/api/papers", params={"cursor": cursor})
    assert answer.status_code == 400 and answer.json()["parameter"] == "cursor"
