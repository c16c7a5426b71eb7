"""Migration 0010 fills ``paper_authors`` from the papers stored before it, on both backends."""

from __future__ import annotations

from dailypapers.db.schema import paper_authors
from tests.db.backfill import backfilled

BEFORE = [
    ("2506.08001", ['Bernhard Sch\\"olkopf', "Simon Buchholz"]),
    ("2506.09113", ["Le, Quoc V.", "Ceyuan Yang", "..."]),
    ("2506.09350", []),
]


def test_it_backfills_the_authors_of_papers_stored_before_it(old_store):
    rows = [{"arxiv_id": arxiv_id, "authors": authors} for arxiv_id, authors in BEFORE]
    columns = ("position", "name", "name_key", "surname_key")
    filled = backfilled(old_store, "0009", rows, paper_authors, *columns)
    assert filled == [
        ("2506.08001", 0, 'Bernhard Sch\\"olkopf', "bernhard scholkopf", "scholkopf"),
        ("2506.08001", 1, "Simon Buchholz", "simon buchholz", "buchholz"),
        ("2506.09113", 0, "Le, Quoc V.", "quoc v le", "le"),
        ("2506.09113", 1, "Ceyuan Yang", "ceyuan yang", "yang"),
    ]
