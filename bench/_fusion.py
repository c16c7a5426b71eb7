"""Compare fusion functions on the real store: ``python -m bench._fusion [DB] [DATA]``.

Runs each query's keyword side and semantic side once through the real code (filters none,
100 candidates each), then scores fusion variants offline with nDCG@10 / Recall@100 on three
known-item sets: the hand-written queries, AI-summary paraphrases and exact titles. DB and DATA
default to the search benchmark's store (``python -m bench search`` builds it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench._search.corpus import RESULTS, settings_for, tune
from bench._search.queries import labelled_sets
from dailypapers.db import connect
from dailypapers.search import embedder, evaluation, hybrid, keyword, semantic
from dailypapers.search.query import parse
from dailypapers.store import search as search_store


def _ids(hits: list[tuple[int, float]]) -> list[int]:
    return [i for i, _ in hits]


# (keyword hits, semantic hits, whether the keyword side was relaxed) -> fused (id, score).
VARIANTS = {
    "keyword": lambda k, s, r: k,
    "semantic": lambda k, s, r: s,
    "rrf k=60": lambda k, s, r: hybrid.rrf([_ids(k), _ids(s)], k=60),
    "rrf k=60, relaxed x0.5": lambda k, s, r: hybrid.rrf(
        [_ids(k), _ids(s)], k=60, weights=[0.5 if r else 1.0, 1.0]
    ),
    "rrf k=20, relaxed x0.5": lambda k, s, r: hybrid.rrf(
        [_ids(k), _ids(s)], k=20, weights=[0.5 if r else 1.0, 1.0]
    ),
    "rrf k=60, keyword x0.5": lambda k, s, r: hybrid.rrf(
        [_ids(k), _ids(s)], k=60, weights=[0.5, 1.0]
    ),
    "convex 0.3 kw / 0.7 sem": lambda k, s, r: hybrid.convex([k, s], weights=[0.3, 0.7]),
    "convex 0.5 / 0.5": lambda k, s, r: hybrid.convex([k, s], weights=[0.5, 0.5]),
}


def main(argv: list[str]) -> None:
    db_path = Path(argv[0]) if argv else RESULTS / "s90k.sqlite3"
    data = Path(argv[1]) if len(argv) > 1 else RESULTS / "data90k"
    tune()
    settings = settings_for(db_path, data)
    db = connect(settings.resolved_database_url)
    index, notice = semantic.for_settings(db, settings).get(db)
    assert index is not None, notice
    model = embedder.for_settings(settings)
    with db.read() as conn:
        arxiv = dict(conn.exec_driver_sql("SELECT id, arxiv_id FROM papers").all())
    sets = labelled_sets(db, summaries=300, titles=200)
    scores = {name: score_set(db, index, model, arxiv, items) for name, items in sets.items()}
    table = Table(title="fusion variants (nDCG@10 / Recall@100)")
    table.add_column("variant")
    for name in sets:
        table.add_column(name, justify="right")
    for variant in VARIANTS:
        table.add_row(
            variant, *(f"{scores[n][variant][0]:.3f} / {scores[n][variant][1]:.3f}" for n in sets)
        )
    Console().print(table)


def score_set(
    db, index, model, arxiv: dict[int, str], items: list[tuple[str, set[str]]]
) -> dict[str, tuple[float, float]]:
    """Each variant's mean (nDCG@10, Recall@100) over one labelled set: both sides of each
    query once (the keyword SQL, the vector ``index`` with ``model``), then every fusion."""
    sums = {v: [0.0, 0.0] for v in VARIANTS}
    for text, relevant in items:
        parsed = parse(text)
        with db.read() as conn:
            found = keyword.search(conn, parsed, search_store.Filters(), limit=100)
        hits = index.search(model.embed_query(parsed.semantic_text), 100)
        sem = [(h.paper_id, h.score) for h in hits]
        grades = dict.fromkeys(relevant, 1)
        for variant, fuse in VARIANTS.items():
            ranked = [arxiv.get(i, "") for i, _ in fuse(found.hits, sem, found.relaxed)]
            sums[variant][0] += evaluation.ndcg_at(ranked, grades)
            sums[variant][1] += evaluation.recall_at(ranked, grades)
    return {v: (ndcg / len(items), recall / len(items)) for v, (ndcg, recall) in sums.items()}


if __name__ == "__main__":
    main(sys.argv[1:])
