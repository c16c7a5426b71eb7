"""Search's "has code" filter in every mode and order, over the small real corpus: only papers
with a code link; with one side ranking (keyword), the unfiltered order without the others."""

from __future__ import annotations

import pytest

from dailypapers.search import service

pytestmark = [pytest.mark.store("search"), pytest.mark.usefixtures("vector_snapshot")]

QUERY = "language models"


def day_of(item):
    paper = item.paper
    return paper.published_at.date() if paper.published_at else paper.listed_on


def _has_code(item) -> bool:
    return any(link.kind == "code" for link in item.paper.links)


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_it_keeps_only_papers_with_a_code_link(db, search_settings, mode, sort):
    everything = service.search(db, search_settings, QUERY, mode=mode, sort=sort, limit=100)
    with_code = service.search(
        db, search_settings, QUERY, mode=mode, sort=sort, limit=100, has_code=True
    )
    assert any(not _has_code(item) for item in everything.items)
    assert with_code.items and all(_has_code(item) for item in with_code.items)
    found = [item.arxiv_id for item in with_code.items]
    if mode == "keyword":  # one side: the same papers in the same order, codeless ones left out
        wanted = [item.arxiv_id for item in everything.items if _has_code(item)]
        assert found[: len(wanted)] == wanted[: len(found)]
    if sort == "newest":
        days = [day_of(item) for item in with_code.items]
        assert days == sorted(days, reverse=True)


def test_it_pages_through_papers_with_code(db, search_settings):
    first = service.search(db, search_settings, QUERY, limit=5, has_code=True)
    second = service.search(db, search_settings, QUERY, limit=5, offset=5, has_code=True)
    assert first.total == second.total >= 10
    assert not {i.arxiv_id for i in first.items} & {i.arxiv_id for i in second.items}
    assert all(_has_code(item) for item in (*first.items, *second.items))
