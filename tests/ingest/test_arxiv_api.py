"""The arXiv query API client against arXiv's recorded answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from dailypapers.ingest import arxiv_api, http
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.store import papers as paper_store
from tests.support.replay import ARXIV_API_PATH, Answer, recorded_bytes


def _id_params(ids: str, start: int = 0, max_results: int = 100) -> dict[str, str]:
    return {
        "search_query": "",
        "id_list": ids,
        "sortBy": "relevance",
        "sortOrder": "descending",
        "start": str(start),
        "max_results": str(max_results),
    }


def test_it_fetches_a_new_style_id_with_every_field(offline_settings, arxiv_api_server):
    settings = offline_settings(arxiv_api_url=arxiv_api_server)
    [paper] = arxiv_api.fetch_by_ids(settings, ["1605.08386"])
    assert (paper.arxiv_id, paper.version) == ("1605.08386", 1)
    assert paper.title == "Heat-bath random walks with Markov bases"
    assert paper.abstract.startswith("Graphs on lattice points are studied")
    assert paper.authors == ["Caprice Stanley", "Tobias Windisch"]
    assert paper.categories == ["math.CO", "math.ST"]
    assert paper.comment == "20 pages, 3 figures"
    assert paper.published_at == datetime(2016, 5, 26, 17, 59, 46, tzinfo=UTC)
    assert paper.updated_at == datetime(2016, 5, 26, 17, 59, 46, tzinfo=UTC)
    assert paper.abs_url == "https://arxiv.org/abs/1605.08386"
    assert paper.pdf_url == "https://arxiv.org/pdf/1605.08386"
    assert paper.source == "arxiv-api"


def test_it_fetches_old_style_and_versioned_ids(
    offline_settings, arxiv_api_server, arxiv_api_replay
):
    settings = offline_settings(arxiv_api_url=arxiv_api_server)
    old, old_versioned, new_versioned = (
        arxiv_api.fetch_by_ids(settings, [i])[0]
        for i in ("astro-ph/0601001", "quant-ph/0201082v1", "arXiv:2104.12255v1")
    )
    assert (old.arxiv_id, old.version) == ("astro-ph/0601001", 1)
    assert old.authors == ["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]
    assert old.abstract.startswith("We derive the frequencies")  # arXiv's leading blanks go
    assert "V_max<17.5" in old.abstract
    assert (old_versioned.arxiv_id, old_versioned.version) == ("quant-ph/0201082", 1)
    assert old_versioned.categories == ["quant-ph", "cs.PL"]  # primary first
    assert (new_versioned.arxiv_id, new_versioned.title) == ("2104.12255", "0")
    assert new_versioned.comment is None
    asked = [r.params["id_list"] for r in arxiv_api_replay.requests]
    assert asked == ["astro-ph/0601001", "quant-ph/0201082v1", "2104.12255v1"]


def test_it_returns_what_exists_of_several_ids_and_nothing_for_an_unknown_one(
    offline_settings, arxiv_api_server
):
    settings = offline_settings(arxiv_api_url=arxiv_api_server)
    assert arxiv_api.fetch_by_ids(settings, ["0808.05394"]) == []
    [paper] = arxiv_api.fetch_by_ids(settings, ["0808.05394", "1707.08567"])
    assert paper.arxiv_id == "1707.08567"
    assert len(paper.authors) == 34
    assert paper.authors[-2] == "Dirk Wübben"  # arXiv's UTF-8, read as UTF-8
    assert paper.comment.startswith("44 pages, editors for the proceedings")


def test_it_raises_arxivs_own_message_for_a_malformed_id(offline_settings, arxiv_api_server):
    settings = offline_settings(arxiv_api_url=arxiv_api_server)
    with pytest.raises(arxiv_api.ArxivApiError, match="incorrect id format for abc"):
        arxiv_api.fetch_by_ids(settings, ["abc"])


def test_it_sends_ids_a_hundred_to_a_request(offline_settings, arxiv_api_server, arxiv_api_replay):
    settings = offline_settings(arxiv_api_url=arxiv_api_server)
    ids = [f"2401.{n:05d}" for n in range(1, 251)]
    empty = (
        b'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        b'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
        b"<opensearch:totalResults>0</opensearch:totalResults></feed>"
    )
    for start in range(0, 250, 100):
        arxiv_api_replay.add(
            ARXIV_API_PATH, _id_params(",".join(ids[start : start + 100])), Answer(200, empty)
        )
    assert arxiv_api.fetch_by_ids(settings, ids) == []
    sizes = [len(r.params["id_list"].split(",")) for r in arxiv_api_replay.requests]
    assert sizes == [100, 100, 50]


def test_it_pages_a_search_by_start_and_max_results(
    offline_settings, arxiv_api_server, arxiv_api_replay, shared_data
):
    settings = offline_settings(arxiv_api_url=arxiv_api_server)
    papers = list(arxiv_api.search(settings, "testing", max_results=60, page_size=10))
    pages = [
        (int(r.params["start"]), int(r.params["max_results"])) for r in arxiv_api_replay.requests
    ]
    assert pages == [(0, 10), (10, 10), (20, 10), (30, 10), (40, 10), (50, 10)]
    assert len(papers) == 60
    first_page = [p.arxiv_id for p in arxiv_api.search(settings, "testing", max_results=10)]
    assert [p.arxiv_id for p in papers[:10]] == first_page
    one_request = list(arxiv_api.search(settings, "testing", max_results=15))
    assert len(one_request) == 15
    assert (
        arxiv_api_replay.requests[-1].params["start"],
        arxiv_api_replay.requests[-1].params["max_results"],
    ) == ("0", "15")
    offset = list(arxiv_api.search(settings, "testing", start=9, max_results=15))
    assert len(offset) == 15
    recorded = json.loads(
        (shared_data / "fixtures" / "arxiv-api" / "q_testing_s9_m15_0b78d4b4d476.json").read_text()
    )["body"]
    assert offset[0].arxiv_id in recorded


def test_it_stops_paging_at_the_total_results(
    offline_settings, arxiv_api_server, arxiv_api_replay, shared_data
):
    # A query with one result: arXiv's recorded answer for 1605.08386 (totalResults 1).
    one = json.loads(
        (
            shared_data / "fixtures" / "arxiv-api" / "id_1605.08386_s0_m100_199195aa31ad.json"
        ).read_text()
    )["body"]
    params = {**_id_params(""), "search_query": "ti:heat-bath", "max_results": "10"}
    arxiv_api_replay.add(ARXIV_API_PATH, params, Answer(200, recorded_bytes(one)))
    settings = offline_settings(arxiv_api_url=arxiv_api_server)
    found = list(arxiv_api.search(settings, "ti:heat-bath", max_results=50, page_size=10))
    assert [p.arxiv_id for p in found] == ["1605.08386"]
    assert len(arxiv_api_replay.requests) == 1


def test_it_spaces_requests_by_the_request_spacing(
    offline_settings, arxiv_api_server, arxiv_api_replay, monkeypatch
):
    monkeypatch.setattr(arxiv_api, "REQUEST_SPACING", 0.3)
    settings = offline_settings(arxiv_api_url=arxiv_api_server)
    list(arxiv_api.search(settings, "testing", max_results=40, page_size=10))
    arxiv_api.fetch_by_ids(settings, ["1605.08386"])
    times = [r.at for r in arxiv_api_replay.requests]
    assert len(times) == 5
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.29, gaps


def test_it_retries_a_server_error_then_succeeds(
    offline_settings, arxiv_api_server, arxiv_api_replay, shared_data, monkeypatch
):
    body = json.loads(
        (
            shared_data / "fixtures" / "arxiv-api" / "id_1605.08386_s0_m100_199195aa31ad.json"
        ).read_text()
    )["body"]
    arxiv_api_replay.add(
        ARXIV_API_PATH,
        _id_params("1605.08386"),
        Answer(502, b"Bad Gateway"),
        Answer(200, recorded_bytes(body)),
    )
    monkeypatch.setattr(http, "RETRIES", 2)
    settings = offline_settings(arxiv_api_url=arxiv_api_server)
    [paper] = arxiv_api.fetch_by_ids(settings, ["1605.08386"])
    assert paper.arxiv_id == "1605.08386"
    assert [r.status for r in arxiv_api_replay.requests] == [502, 200]


def test_it_gives_up_with_a_clear_error_when_retries_run_out(
    offline_settings, arxiv_api_server, arxiv_api_replay, monkeypatch
):
    arxiv_api_replay.add(ARXIV_API_PATH, _id_params("1605.08386"), Answer(500, b"oops"))
    monkeypatch.setattr(http, "RETRIES", 2)
    settings = offline_settings(arxiv_api_url=arxiv_api_server)
    with pytest.raises(arxiv_api.ArxivApiError, match=r"HTTP 500 .*\(3 attempts\)"):
        arxiv_api.fetch_by_ids(settings, ["1605.08386"])
    assert len(arxiv_api_replay.requests) == 3


def test_it_says_when_the_api_cannot_be_reached(offline_settings, closed_port_url):
    settings = offline_settings(arxiv_api_url=closed_port_url + ARXIV_API_PATH)
    with pytest.raises(arxiv_api.ArxivApiError, match="could not be reached: .*cannot connect"):
        arxiv_api.fetch_by_ids(settings, ["1605.08386"])


def test_fetched_papers_land_in_the_store_through_the_pipeline(
    db, offline_settings, arxiv_api_server
):
    settings = offline_settings(arxiv_api_url=arxiv_api_server)
    records = arxiv_api.fetch_by_ids(settings, ["0808.05394", "1707.08567"])
    records += arxiv_api.fetch_by_ids(settings, ["astro-ph/0601001"])
    assert Pipeline(db).run(records).new == 2
    assert Pipeline(db).run(arxiv_api.fetch_by_ids(settings, ["1707.08567"])).unchanged == 1
    with db.read() as conn:
        stored = paper_store.get(conn, "1707.08567")
        old = paper_store.get(conn, "astro-ph/0601001")
    assert stored["authors"][-2] == "Dirk Wübben"
    assert stored["primary_category"] == "cs.IT"
    assert old["published_at"] == datetime(2006, 1, 2, 14, 57, 58, tzinfo=UTC)
