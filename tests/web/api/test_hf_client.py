"""The official client, unchanged, against a live dailypapers: huggingface_hub's HfApi."""

from __future__ import annotations

import re

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

from dailypapers import code_links

pytestmark = pytest.mark.store("api")


@pytest.fixture
def hf(live_server, monkeypatch) -> HfApi:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    return HfApi(endpoint=live_server, token=False)


def filled(got: str | None, upstream: str | None, kind: str) -> bool:
    """The upstream's value when it gave one; else none, or the first link of ``kind`` the
    paper's abstract or arXiv comment names, as the papers' code links hold them."""
    if upstream:
        return got == upstream
    return got is None or code_links.classify(got, kind) == (got, kind)


def test_it_lists_a_day_as_the_client_parses_it(hf, upstream_day):
    upstream = {e["paper"]["id"]: e for e in upstream_day("2026-03-06")}
    papers = list(hf.list_daily_papers(date="2026-03-06", limit=100))
    assert sorted(p.id for p in papers) == sorted(upstream)
    for paper in papers:
        want = upstream[paper.id]
        assert paper.title == re.sub(r"\s+", " ", want["title"]).strip()
        assert paper.summary == want["summary"].strip()
        assert [a.name for a in paper.authors] == [a["name"] for a in want["paper"]["authors"]]
        assert paper.upvotes == (want["paper"]["upvotes"] or None)  # the client turns 0 to None
        assert paper.submitted_at.isoformat()[:23] == want["paper"]["submittedOnDailyAt"][:23]
        assert paper.published_at.isoformat()[:19] == want["paper"]["publishedAt"][:19]
        assert paper.submitted_by.username == want["submittedBy"]["name"]
        assert paper.comments == want["numComments"]
        assert filled(paper.github_repo, want["paper"].get("githubRepo"), "code")
        assert filled(paper.project_page, want["paper"].get("projectPage"), "project")
        assert paper.ai_summary == want["paper"].get("ai_summary")
        assert paper.ai_keywords == want["paper"].get("ai_keywords")
        if want["paper"].get("organization"):
            assert paper.organization.name == want["paper"]["organization"]["name"]


def test_it_filters_and_pages_with_each_client_argument(hf):
    week = list(hf.list_daily_papers(week="2025-W24", limit=100))
    month = list(hf.list_daily_papers(month="2025-06", limit=100))
    assert week and all(
        "2025-06-09" <= p.submitted_at.date().isoformat() <= "2025-06-15" for p in week
    )
    assert [p.id for p in week] == [p.id for p in month]  # only that week of June was imported
    first = list(hf.list_daily_papers(date="2025-06-10", limit=10, p=0))
    second = list(hf.list_daily_papers(date="2025-06-10", limit=10, p=1))
    assert len(first) == len(second) == 10 and not {p.id for p in first} & {p.id for p in second}
    submitter = first[0].submitted_by.username
    theirs = list(hf.list_daily_papers(submitter=submitter))
    assert theirs and all(p.submitted_by.username == submitter for p in theirs)
    trending = list(hf.list_daily_papers(sort="trending", limit=5))
    newest = list(hf.list_daily_papers(sort="publishedAt", limit=5))
    assert len(trending) == len(newest) == 5
    assert [p.submitted_at for p in newest] == sorted(
        (p.submitted_at for p in newest), reverse=True
    )


def test_it_answers_paper_info_and_404(hf, upstream_day):
    want = upstream_day("2025-06-10")[0]["paper"]
    paper = hf.paper_info(want["id"])
    assert paper.id == want["id"]
    assert paper.title == re.sub(r"\s+", " ", want["title"]).strip()
    assert paper.published_at.isoformat()[:19] == want["publishedAt"][:19]
    assert paper.submitted_at.isoformat()[:23] == want["submittedOnDailyAt"][:23]
    assert [a.name for a in paper.authors] == [a["name"] for a in want["authors"]]
    with pytest.raises(HfHubHTTPError) as raised:
        hf.paper_info("2601.99999")
    assert raised.value.response.status_code == 404


def test_it_rejects_bad_client_arguments_with_400(hf):
    with pytest.raises(HfHubHTTPError) as raised:
        list(hf.list_daily_papers(date="2025-13-40"))
    assert raised.value.response.status_code == 400
    assert "date" in str(raised.value)
