"""Code links on cards, the paper page and in the API: each with its kind and where it came
from, the API's ``githubRepo``/``projectPage`` filled from them, every address escaped."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from tests.support import data

DAY = date(2026, 1, 5)
# 2604.21590 as listed: a Hugging Face collection and two repositories in the abstract.
ABSTRACT = (
    "Model checkpoints and part of the synthetic data: "
    "https://huggingface.co/collections/alibaba-pai/agenticqwen. Data synthesis and RL training "
    "code: https://github.com/haruhi-sudo/data_synth_and_rl."
)


@pytest.fixture
def linked(db):
    """2604.21590 with its abstract's links and a project page in its comment, in the feed."""
    record = dataclasses.replace(
        data.paper("2604.21590", "Agentic Qwen", abstract=ABSTRACT),
        comment="Project page: https://agentic-qwen.github.io/",
    )
    data.store(db, data.in_feed(record, DAY))
    return record


def _code_links(html: str) -> list[tuple[str, str, str, str]]:
    """(kind, href, title, text) of each code link on a page, in order."""
    found = re.findall(
        r'<a class="code-link" data-kind="([a-z]+)" href="([^"]*)" rel="noopener nofollow" '
        r'title="([^"]*)">([a-zA-Z]+)',
        html,
    )
    return [tuple(one) for one in found]


def test_a_card_shows_each_link_with_its_kind_and_where_it_came_from(client, linked):
    page = client.get(f"/papers/date/{DAY}")
    assert page.status_code == 200
    assert _code_links(page.text) == [
        ("model", "https://huggingface.co/collections/alibaba-pai/agenticqwen",
         "Model: https://huggingface.co/collections/alibaba-pai/agenticqwen (from the abstract)",
         "model"),
        ("code", "https://github.com/haruhi-sudo/data_synth_and_rl",
         "Code: https://github.com/haruhi-sudo/data_synth_and_rl (from the abstract)", "code"),
        ("project", "https://agentic-qwen.github.io",
         "Project: https://agentic-qwen.github.io (from the arXiv comment)", "project"),
    ]  # fmt: skip


def test_the_paper_page_shows_each_link_with_its_kind(client, linked):
    page = client.get("/papers/2604.21590")
    assert [(kind, text) for kind, _, _, text in _code_links(page.text)] == [
        ("model", "Model"),
        ("code", "Code"),
        ("project", "Project"),
    ]
    assert "haruhi-sudo/data_synth_and_rl</span>" in page.text


def test_the_api_fills_the_repository_and_project_page_from_the_links(client, linked):
    paper = client.get("/api/papers/2604.21590").json()
    assert paper["githubRepo"] == "https://github.com/haruhi-sudo/data_synth_and_rl"
    assert paper["projectPage"] == "https://agentic-qwen.github.io"


def test_the_upstream_repository_stays_first_in_the_api(client, db):
    record = dataclasses.replace(
        data.paper("2505.19457", abstract="Code: https://github.com/other/fork."),
        github_repo="https://github.com/HiThink-Research/BizFinBench",
    )
    data.store(db, data.in_feed(record, DAY))
    assert client.get("/api/papers/2505.19457").json()["githubRepo"] == record.github_repo
    links = _code_links(client.get("/papers/2505.19457").text)
    assert [(kind, title.rsplit("(", 1)[1]) for kind, _, title, _ in links] == [
        ("code", "from the upstream daily feed)"),
        ("code", "from the abstract)"),
    ]


def test_it_escapes_markup_in_a_link(client, db):
    record = dataclasses.replace(
        data.paper("2603.09968"),
        comment='Demo: https://demo.example.org/run?a=1&b=2"><script>alert(1)</script>',
    )
    data.store(db, data.in_feed(record, DAY))
    page = client.get("/papers/2603.09968").text
    assert 'href="https://demo.example.org/run?a=1&amp;b=2"' in page
    assert "<script>alert(1)</script>" not in page


# -- "has code": ?code=1 on the feed's pages, the search page and /api/papers/search ------------


@pytest.fixture
def mixed_day(db, linked):
    """DAY holds 2604.21590 (with code) and 2601.00009 (no link at all)."""
    data.store(db, data.in_feed(data.paper("2601.00009", "Codeless Qwen"), DAY))


def _cards(html: str) -> list[str]:
    return re.findall(
        r'<h2 class="card-title" id="t\d+"><a class="tex" href="/papers/([^"]+)"', html
    )


def test_a_feed_day_with_code_shows_only_its_papers_with_a_code_link(client, mixed_day):
    assert sorted(_cards(client.get(f"/papers/date/{DAY}").text)) == ["2601.00009", "2604.21590"]
    page = client.get(f"/papers/date/{DAY}?code=1")
    assert page.status_code == 200 and _cards(page.text) == ["2604.21590"]
    assert 'href="/papers/week/2026-W02?code=1"' in page.text  # its tabs keep the filter
    assert f'href="/papers/date/{DAY}">All papers</a>' in page.text
    week = client.get("/papers/week/2026-W02?code=1")
    assert _cards(week.text) == ["2604.21590"]


def test_it_answers_a_code_filter_it_cannot_read_with_a_400(client, mixed_day):
    assert client.get(f"/papers/date/{DAY}?code=maybe").status_code == 400


def test_search_with_code_keeps_only_papers_with_a_code_link(client, mixed_day):
    both = client.get("/api/papers/search", params={"q": "qwen"}).json()
    assert {r["paper"]["id"] for r in both} >= {"2601.00009", "2604.21590"}
    only = client.get("/api/papers/search", params={"q": "qwen", "code": "1"}).json()
    assert [r["paper"]["id"] for r in only] == ["2604.21590"]
    page = client.get("/search", params={"q": "qwen", "code": "1"}).text
    assert _cards(page) == ["2604.21590"] and 'name="code" value="1" checked' in page
