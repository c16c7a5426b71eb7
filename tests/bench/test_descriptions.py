"""The quality bench's description-style queries (bench/_quality/descriptions.py), written from
real feed papers: long requests with a quote, honest about which quotes are not in the paper."""

from __future__ import annotations

import random

import pytest

from bench._quality import descriptions
from dailypapers.ingest import importer
from tests.support import corpora

# The real feed days are read: without them the tests skip, as every test of the real data does.
pytestmark = pytest.mark.usefixtures("shared_data")


def feed_papers() -> list:
    papers = []
    for day in corpora.FEED_DAYS:
        papers += [item.paper for item in importer.records_from(corpora.day_file(day))]
    return papers


def written() -> list[tuple[object, str, dict]]:
    made = []
    for paper in feed_papers():
        query = descriptions.describe(paper, random.Random(f"4-{paper.arxiv_id}"))
        if query is not None:
            made.append((paper, *query))
    return made


def test_each_request_is_long_with_one_quote_and_stop_words():
    made = written()
    assert len(made) >= 50
    for _, text, meta in made:
        words = text.lower().split()
        assert len(words) >= 15 and text.count('"') == 2 and f'"{meta["quote"]}"' in text
        assert {"the", "that", "on", "for", "about", "with", "which"} & set(words)
    assert sum("(" in text for _, text, _ in made) > len(made) / 2


def test_a_misquote_is_never_in_the_paper_and_some_quotes_are_misquoted():
    made = written()
    misquoted = [(p, meta) for p, _, meta in made if not meta["quote_in_paper"]]
    assert len(made) / 5 < len(misquoted) < len(made) / 2
    for paper, meta in misquoted:
        assert not descriptions.occurs(meta["quote"], f"{paper.title} {paper.abstract}")
    for paper, _, meta in made:
        if meta["quote_in_paper"]:
            assert descriptions.occurs(meta["quote"], f"{paper.title} {paper.abstract}")


def test_the_same_paper_and_seed_write_the_same_request():
    paper = next(p for p, _, _ in written())
    first = descriptions.describe(paper, random.Random("4-x"))
    assert first == descriptions.describe(paper, random.Random("4-x"))
    assert first != descriptions.describe(paper, random.Random("5-x"))


def test_a_system_name_is_no_topic():
    title = "SentenceLens: Reading Sentences Aloud"
    assert descriptions.is_name("SentenceLens", title)
    assert descriptions.is_name("Llama3.2 backbone", title)
    assert descriptions.is_name("sentencelens decoding", title)
    assert not descriptions.is_name("next-sentence prediction", title)
