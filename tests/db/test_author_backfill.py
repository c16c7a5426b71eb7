"""Migration 0010 fills ``paper_authors`` from the papers stored before it, on both backends."""

from __future__ import annotations

from sqlalchemy import insert, select

from dailypapers.db import migrate
from dailypapers.db.schema import paper_authors, papers

BEFORE = [
    ("2506.08001", ['Bernhard Sch\\"olkopf', "Simon Buchholz"]),
    ("2506.09113", ["Le, Quoc V.", "Ceyuan Yang", "..."]),
    ("2506.09350", []),
]


def test_it_backfills_the_authors_of_papers_stored_before_it(old_store):
    migrate.upgrade(old_store, "0009")
    with old_store.write() as conn:
        conn.execute(
            insert(papers),
            [
                {"arxiv_id": arxiv_id, "title": "A paper", "authors": authors,
                 "categories": ["cs.LG"], "content_hash": "0" * 32, "source": "test"}
                for arxiv_id, authors in BEFORE
            ],
        )  # fmt: skip
    migrate.upgrade(old_store)
    with old_store.read() as conn:
        rows = conn.execute(
            select(papers.c.arxiv_id, paper_authors.c.position, paper_authors.c.name,
                   paper_authors.c.name_key, paper_authors.c.surname_key)
            .join(papers, papers.c.id == paper_authors.c.paper_id)
            .order_by(papers.c.arxiv_id, paper_authors.c.position)
        ).all()  # fmt: skip
    assert [tuple(row) for row in rows] == [
        ("2506.08001", 0, 'Bernhard Sch\\"olkopf', "bernhard scholkopf", "scholkopf"),
        ("2506.08001", 1, "Simon Buchholz", "simon buchholz", "buchholz"),
        ("2506.09113", 0, "Le, Quoc V.", "quoc v le", "le"),
        ("2506.09113", 1, "Ceyuan Yang", "ceyuan yang", "yang"),
    ]
    migrate.downgrade(old_store, "0009")
    migrate.upgrade(old_store)
    assert migrate.is_up_to_date(old_store)
