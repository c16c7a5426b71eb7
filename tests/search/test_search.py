"""The search service on both backends over a small real corpus with real embeddings."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from dailypapers.db.schema import papers
from dailypapers.papers import voting
from dailypapers.search import service

pytestmark = [pytest.mark.store("search"), pytest.mark.usefixtures("vector_snapshot")]

MODES = ("hybrid", "keyword", "semantic")
RPT = "2506.08007"  # "Reinforcement Pre-Training", Qingxiu Dong, Li Dong et al.


def ids(results) -> list[str]:
    return [item.arxiv_id for item in results.items]


def day_of(item) -> date:
    paper = item.paper
    return paper.published_at.date() if paper.published_at else paper.listed_on


@pytest.mark.parametrize("mode", MODES)
def test_it_finds_a_paper_by_its_title_words_in_every_mode(db, search_settings, mode):
    results = service.search(db, search_settings, "reinforcement pre-training", mode=mode)
    assert ids(results)[0] == RPT
    assert results.notice is None


def test_it_finds_a_paper_from_a_description_without_its_words(db, search_settings):
    description = "teaching an LLM to reason before guessing each following token via rewards"
    semantic = service.search(db, search_settings, description, mode="semantic")
    hybrid = service.search(db, search_settings, description, mode="hybrid")
    assert RPT in ids(semantic)[:3] and RPT in ids(hybrid)[:5]


def test_it_says_when_a_quoted_phrase_occurs_nowhere_and_shows_its_words(db, search_settings):
    description = "teaching an LLM to reason before guessing each following token via rewards"
    for mode in MODES:
        quoted = service.search(db, search_settings, f'"{description}"', mode=mode)
        assert quoted.items, mode
        if mode != "semantic":  # which ranks by meaning alone: the phrase changes nothing there
            assert "No paper has the exact phrase" in (quoted.notice or ""), mode
    strict = service.search(db, search_settings, f'+"{description}"', mode="keyword")
    assert strict.items == []


def test_it_ranks_papers_having_a_quoted_phrase_first(db, search_settings):
    results = service.search(db, search_settings, '"next-token prediction"', mode="keyword")

    def has_phrase(item) -> bool:
        words = " ".join(re.findall(r"\w+", (item.paper.title + " " + item.paper.abstract).lower()))
        return "next token predict" in words

    flags = [has_phrase(item) for item in results.items]
    assert flags[0] and flags == sorted(flags, reverse=True)
    assert not all(flags)  # papers with the words apart follow
    assert results.notice is None


def test_it_requires_a_plus_term_and_a_plus_phrase_in_every_mode(db, search_settings):
    for mode in MODES:
        results = service.search(db, search_settings, '+"next-token prediction"', mode=mode)
        assert results.items, mode
        for item in results.items:
            text = (item.paper.title + " " + item.paper.abstract).lower()
            assert "next token predict" in " ".join(re.findall(r"\w+", text)), mode


def test_it_excludes_terms_in_every_mode(db, search_settings):
    for mode in MODES:
        results = service.search(db, search_settings, "language models -reasoning", mode=mode)
        assert results.items, mode
        for item in results.items:
            text = (item.paper.title + item.paper.abstract).lower()
            assert "reason" not in text, (mode, item.arxiv_id)


def test_it_restricts_terms_to_a_field(db, search_settings):
    title = service.search(db, search_settings, "ti:reinforcement", mode="hybrid")
    assert title.items and all("reinforc" in i.paper.title.lower() for i in title.items)
    author = service.search(db, search_settings, 'au:"Li Dong"', mode="hybrid")
    assert ids(author) == [RPT]
    abstract = service.search(db, search_settings, "abs:scaling ti:reinforcement")
    assert all("scal" in i.paper.abstract.lower() for i in abstract.items) and abstract.items


def test_it_finds_authors_with_accents_either_way(db, search_settings):
    with db.read() as conn:
        authors = conn.execute(select(papers.c.authors)).scalars().all()
    accented = next(
        name
        for names in authors
        for name in names
        if any(ord(c) > 127 for c in name)
        and name.isascii() is False
        and all(c.isalpha() or c in " .-" for c in name)
    )
    results = service.search(db, search_settings, f'au:"{accented}"', mode="keyword")
    assert results.items and all(accented in i.paper.authors for i in results.items)


def test_it_filters_by_category_in_the_query(db, search_settings):
    for mode in MODES:
        results = service.search(db, search_settings, "language model cat:cs.CL", mode=mode)
        assert results.items, mode
        assert all("cs.CL" in i.paper.categories for i in results.items), mode
    archive = service.search(db, search_settings, "cat:cs", mode="keyword", limit=100)
    assert archive.items and all(
        any(c.startswith("cs.") for c in i.paper.categories) for i in archive.items
    )
    by_argument = service.search(db, search_settings, "language model", category="cs.CV")
    assert all("cs.CV" in i.paper.categories for i in by_argument.items) and by_argument.items


def test_it_filters_by_date_before_ranking_so_pages_stay_full(db, search_settings):
    with db.read() as conn:
        rows = conn.execute(select(papers.c.published_at, papers.c.listed_on)).all()
    days = Counter(p.date() if p else listed for p, listed in rows)
    day, on_day = next((d, n) for d, n in days.most_common() if 5 < n < len(rows) / 2)
    for mode in ("semantic", "hybrid"):
        results = service.search(
            db, search_settings, f"language models from:{day} to:{day}", mode=mode, limit=on_day
        )
        assert all(day_of(i) == day for i in results.items), mode
        assert len(results.items) == on_day, mode  # not a filtered top-k: every paper that day
    explicit = service.search(
        db, search_settings, "language", mode="keyword", date_from=day, date_to=day
    )
    assert explicit.items and all(day_of(i) == day for i in explicit.items)


def test_it_sorts_by_newest_and_by_upvotes_in_the_query(db, search_settings, alice):
    for mode in MODES:
        newest = service.search(db, search_settings, "language models", mode=mode, sort="newest")
        days = [day_of(i) for i in newest.items]
        assert days == sorted(days, reverse=True) and len(days) > 3, mode
    with db.read() as conn:
        low = (
            conn.execute(select(papers.c.arxiv_id).where(papers.c.upstream_upvotes == 0))
            .scalars()
            .first()
        )
    voting.upvote(db, alice.id, low)
    for mode in MODES:
        top = service.search(db, search_settings, "language models", mode=mode, sort="upvotes")
        counts = [i.paper.upvotes for i in top.items]
        assert counts == sorted(counts, reverse=True) and counts[0] > 0, mode


def test_it_puts_a_direct_hit_first_for_ids_and_urls(db, search_settings):
    for text in (
        RPT,
        f"{RPT}v1",
        f"https://arxiv.org/abs/{RPT}",
        f"{search_settings.base_url}/papers/{RPT}",
    ):
        for mode in MODES:
            results = service.search(db, search_settings, text, mode=mode)
            assert results.direct_hit is not None and results.direct_hit.arxiv_id == RPT
            assert results.items[0].direct_hit and ids(results)[0] == RPT
            assert ids(results).count(RPT) == 1
    hybrid = service.search(db, search_settings, RPT)
    assert len(hybrid.items) > 1  # followed by the papers closest to it


def test_it_says_when_an_id_is_not_stored(db, search_settings):
    results = service.search(db, search_settings, "2101.00001")
    assert results.items == [] and results.direct_hit is None
    assert "2101.00001" in results.notice


def test_highlights_join_back_to_the_full_title_and_abstract(db, search_settings):
    results = service.search(db, search_settings, "reinforcement model*", mode="hybrid")
    assert results.items
    for item in results.items:
        assert "".join(t for t, _ in item.title_highlights) == item.paper.title
        assert "".join(t for t, _ in item.abstract_highlights) == item.paper.abstract
    first = results.items[0]
    assert ("Reinforcement", True) in first.title_highlights
    marked = {t.lower() for t, hit in first.abstract_highlights if hit}
    assert marked & {"models", "model", "modeling"}
    assert all(t.lower().startswith(("reinforc", "model")) for t in marked)


BAD_INPUTS = [
    "x" * 2000,
    " ".join(["transformer"] * 400),
    '"unbalanced quote',
    'a "b" "c',
    '"""',
    "* ^ : ( )",
    "NEAR(a b)",
    "title:(a OR b) AND NOT c",
    "'; DROP TABLE papers; --",
    "1' OR '1'='1",
    "🚀🔥🤖",
    "注意力机制",
    "трансформер",
    "cat: from: to: ti: au:",
    "-",
    "--a",
    "\\",
    "%",
    "_",
    "$1",
    "\x00",
    "a" * 300,
    "-reasoning",
    "from:2025-01-01 -model",
]


def test_it_answers_bad_input_without_raising(db, search_settings):
    # Every input on one store (searches write nothing): each problem is named, none hidden.
    problems = []
    for text in BAD_INPUTS:
        for mode in MODES:
            for sort in ("relevance", "newest", "upvotes"):
                try:
                    results = service.search(db, search_settings, text, mode=mode, sort=sort)
                except Exception as error:  # reported below with its input
                    problems.append((text[:40], mode, sort, repr(error)))
                    continue
                if not isinstance(results.items, list) or results.total < len(results.items):
                    problems.append((text[:40], mode, sort, results.total, len(results.items)))
    assert problems == []


def test_an_empty_query_returns_nothing(db, search_settings):
    for text in ("", "   ", "the of a"):
        assert service.search(db, search_settings, text, mode="keyword").items == []


def test_it_pages_through_results(db, search_settings):
    first = service.search(db, search_settings, "model", mode="hybrid", limit=5)
    second = service.search(db, search_settings, "model", mode="hybrid", limit=5, offset=5)
    assert len(first.items) == len(second.items) == 5
    assert not set(ids(first)) & set(ids(second))
    assert first.total >= 10 and first.has_more


def test_it_tolerates_unknown_modes_sorts_and_limits(db, search_settings):
    results = service.search(
        db, search_settings, "model", mode="magic", sort="random", limit=10_000, offset=-4
    )
    assert results.mode == "hybrid" and results.sort == "relevance" and results.items


def test_similar_papers_are_the_nearest_others(db, search_settings):
    with db.read() as conn:
        paper_id = conn.execute(select(papers.c.id).where(papers.c.arxiv_id == RPT)).scalar()
    similar = service.similar_papers(db, search_settings, paper_id, k=8)
    assert len(similar) == 8
    assert paper_id not in [s.paper_id for s in similar]
    scores = [s.score for s in similar]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0.5
    assert similar[0].paper.title and similar[0].arxiv_id


def test_it_exposes_stored_embeddings_and_the_embedder(db, search_settings):
    with db.read() as conn:
        wanted = conn.execute(select(papers.c.id).order_by(papers.c.id).limit(3)).scalars().all()
    found, matrix = service.embeddings_for(db, [*wanted, 999_999])
    assert found == wanted and matrix.shape == (3, 384)
    query = service.embed_texts(search_settings, ["reinforcement learning for pre-training"])
    assert query.shape == (1, 384)
    assert abs(float((matrix**2).sum(axis=1)[0]) - 1.0) < 1e-2


def test_it_uses_upvotes_and_votes_from_the_store_on_cards(db, search_settings):
    results = service.search(db, search_settings, RPT)
    hit = results.direct_hit
    assert hit.paper.upvotes == 97 and hit.paper.num_comments == 0
    assert hit.paper.published_at == datetime(2025, 6, 9, 17, 59, 53, tzinfo=UTC)


def test_it_ranks_every_paper_having_a_common_word_not_only_recent_ones(db, search_settings):
    everything = service.search(db, search_settings, "model", mode="keyword", limit=120)
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT id, title, abstract FROM papers ORDER BY id").all()
    having = [r.id for r in rows if re.search(r"\bmodels?\b", f"{r.title} {r.abstract}", re.I)]
    assert len(having) > 20 and having[0] in {i.paper_id for i in everything.items}


def test_a_rare_word_of_a_description_outweighs_its_common_ones(db, search_settings):
    # No paper has all three words, so the relaxed pass ranks papers having any of them. The
    # one egocentric paper must beat the many about language models: BM25's IDF on SQLite, and
    # on PostgreSQL (whose ts_rank has no IDF) each term's rank weighted by its rarity.
    results = service.search(db, search_settings, "egocentric language models", mode="keyword")
    assert ids(results)[0] == "2506.05904"
    assert len(results.items) > 5


def _papers_of(db, name: str) -> set[str]:
    with db.read() as conn:
        rows = conn.execute(select(papers.c.arxiv_id, papers.c.authors)).all()
    return {arxiv_id for arxiv_id, authors in rows if name in authors}


@pytest.mark.parametrize("mode", ["hybrid", "keyword"])
def test_a_full_name_ranks_that_authors_papers_first(db, search_settings, mode):
    with db.read() as conn:
        rows = conn.execute(select(papers.c.authors)).scalars().all()
    counts = Counter(name for authors in rows for name in authors if len(name.split()) == 2)
    name, count = next((n, c) for n, c in counts.most_common() if c >= 2)
    results = service.search(db, search_settings, name, mode=mode)
    theirs = _papers_of(db, name)
    assert set(ids(results)[:count]) == theirs


def test_a_category_id_alone_searches_that_category_in_every_mode(db, search_settings):
    for mode in MODES:
        results = service.search(db, search_settings, "cs.CL", mode=mode)
        assert results.items, mode
        assert all("cs.CL" in item.paper.categories for item in results.items), mode


def test_a_rare_words_exact_matches_stay_on_top_in_hybrid(db, search_settings):
    results = service.search(db, search_settings, "egocentric", mode="hybrid")
    having = ["egocentric" in (i.paper.title + i.paper.abstract).lower() for i in results.items]
    assert having[0] and having == sorted(having, reverse=True)


@pytest.mark.parametrize("mode", MODES)
def test_it_never_returns_an_empty_page_for_words_some_paper_has(db, search_settings, mode):
    # Quotes, parentheses, stop words and a misquoted title, as people type descriptions.
    request = (
        'I am looking for papers (ideally recent ones!) about "reinforcement pre-training '
        'for reasoning models" that use the next token as a reward'
    )
    assert service.search(db, search_settings, request, mode=mode).items


def test_it_accepts_a_pasted_abstract_and_finds_its_paper(db, search_settings):
    with db.read() as conn:
        abstract = conn.execute(
            select(papers.c.abstract).where(papers.c.arxiv_id == RPT)
        ).scalar_one()
    for mode in MODES:
        assert ids(service.search(db, search_settings, abstract[:2000], mode=mode))[0] == RPT
