"""The query language: every form parses to the intended structure; no input raises."""

from __future__ import annotations

from datetime import date

import pytest

from dailypapers.search.query import MAX_TERMS, Term, parse


def test_it_requires_plain_terms_and_drops_stop_words():
    query = parse("attention is all you need")
    assert query.include == [Term(("attention",)), Term(("need",))]
    assert query.semantic_text == "attention is all you need"


def test_it_reads_quoted_phrases_and_exclusions():
    query = parse('"chain of thought" -survey -"image generation"')
    assert query.include == [Term(("chain", "of", "thought"), quoted=True)]
    assert query.exclude == [Term(("survey",)), Term(("image", "generation"), quoted=True)]


def test_it_reads_field_filters():
    query = parse('ti:diffusion au:"Li Dong" abs:benchmark')
    assert query.include == [
        Term(("diffusion",), "title"),
        Term(("li", "dong"), "authors", quoted=True),
        Term(("benchmark",), "abstract"),
    ]
    assert query.semantic_text == "diffusion benchmark"  # author names mean nothing to a model


def test_it_reads_categories_and_date_ranges():
    query = parse("agents cat:cs.CL cat:cs from:2025-06 to:2025")
    assert query.categories == ["cs.CL", "cs"]
    assert (query.date_from, query.date_to) == (date(2025, 6, 1), date(2025, 12, 31))
    assert parse("to:2024-02").date_to == date(2024, 2, 29)
    assert parse("from:2025-03-04").date_from == date(2025, 3, 4)


def test_it_notes_dates_and_categories_it_cannot_read():
    query = parse("from:yesterday cat:'; to:2025-13")
    assert query.date_from is None and query.date_to is None and not query.categories
    assert len(query.notes) == 3


@pytest.mark.parametrize(
    "text",
    [
        "2506.08007",
        "2506.08007v2",
        "arXiv:2506.08007",
        "https://arxiv.org/abs/2506.08007v1",
        "https://arxiv.org/pdf/2506.08007",
        "http://127.0.0.1:8000/papers/2506.08007",
        "https://huggingface.co/papers/2506.08007",
    ],
)
def test_it_detects_an_arxiv_id_or_url(text):
    assert parse(text).arxiv_id == "2506.08007"


def test_it_detects_old_style_ids():
    assert parse("hep-th/9901001v2").arxiv_id == "hep-th/9901001"


def test_it_treats_hyphenated_words_as_a_phrase_and_star_as_a_prefix():
    query = parse("gpt-4 transform*")
    assert query.include == [Term(("gpt", "4")), Term(("transform",), prefix=True)]
    assert parse("ab*").include == [Term(("ab",))]  # too short a prefix: a plain word


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 5000,
        "word " * 600,
        '"unbalanced quote',
        'a "b" "c',
        '"""',
        "-",
        "--",
        "* ^ : ( ) NEAR AND OR NOT",
        'NEAR("a" "b", 2)',
        "title:(a OR b)",
        "'; DROP TABLE papers; --",
        "1 OR 1=1",
        "\x00\x01\x1f",
        "🚀🔥",
        "注意力机制 транс ﷺ",
        "cat: from: to: ti: au:",
        "-cat:cs",
        "\\",
        "%_",
        "'",
        'ti:"',
        "au:-",
        "$$ $1 :x",
    ],
)
def test_it_never_raises_on_user_input(text):
    query = parse(text)
    for term in query.include + query.exclude:
        assert term.words and all(w.isalnum() or "_" in w for w in term.words)
    assert len(query.include) <= MAX_TERMS


def test_it_keeps_non_latin_words():
    assert parse("注意力机制 трансформер").include == [
        Term(("注意力机制",)),
        Term(("трансформер",)),
    ]
