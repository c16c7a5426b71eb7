"""Everyday queries on the real store, judged automatically by what the query names.

Five kinds, drawn from the store with a fixed seed, each run through ``service.search`` in every
mode and judged on its top 3:

- author: a full name with at least three papers; right = a paper by that person;
- rare term: a word of a title found in 2 to 20 papers; right = a paper containing the word
  (in any form: as the index stems it);
- category: a category id alone (``cs.RO``) with at least 30 papers; right = a paper in it;
- quoted title: a paper's title in quotes; right = that paper in the top 3;
- pasted abstract: a paper's abstract; right = that paper in the top 3.

The score of a kind is the share of right answers among the top 3 (for the two known-item kinds,
the share of queries whose paper is there). Acceptance: hybrid at least keyword on every kind.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter

from dailypapers.search import service
from dailypapers.search.textindex import name_key, tokens_of

KINDS = ("author", "rare term", "category", "quoted title", "pasted abstract")
MODES = ("keyword", "semantic", "hybrid")
TOP = 3


def draw(db, per_kind: int = 40, seed: int = 11) -> list[tuple[str, str, object]]:
    """(kind, query, what is right) triples drawn from the store."""
    rng = random.Random(seed)
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, arxiv_id, title, abstract, authors, categories FROM papers ORDER BY id"
        ).all()
    authors, categories, words = Counter(), Counter(), Counter()
    for row in rows:
        authors.update({name_key(a): a for a in json.loads(row.authors)}.values())
        categories.update(json.loads(row.categories))
        words.update({w.lower() for w in re.findall(r"[A-Za-z]{6,}", row.title)})
    prolific = sorted(a for a, n in authors.items() if n >= 3 and len(a.split()) >= 2)
    big = sorted(c for c, n in categories.items() if n >= 30 and "." in c)
    rare = sorted(w for w, n in words.items() if 2 <= n <= 20)
    picked = rng.sample(rows, min(per_kind * 2, len(rows)))
    queries = [
        ("author", a, name_key(a)) for a in rng.sample(prolific, min(per_kind, len(prolific)))
    ]
    queries += [("rare term", w, w) for w in rng.sample(rare, min(per_kind, len(rare)))]
    queries += [("category", c, c) for c in rng.sample(big, min(per_kind, len(big)))]
    queries += [("quoted title", f'"{r.title}"', r.arxiv_id) for r in picked[:per_kind]]
    queries += [("pasted abstract", r.abstract[:2000], r.arxiv_id) for r in picked[per_kind:]]
    return queries


def right(kind: str, expected, item) -> bool:
    paper = item.paper
    if kind == "author":
        return expected in {name_key(a) for a in paper.authors}
    if kind == "rare term":  # in any form, as the index stems it
        return tokens_of(expected)[0] in tokens_of(f"{paper.title} {paper.abstract}")
    if kind == "category":
        return expected in paper.categories
    return paper.arxiv_id == expected


def judge(db, settings, queries) -> dict[str, dict[str, float]]:
    """{kind: {mode: score}} over ``queries``."""
    sums: dict[str, dict[str, float]] = {k: dict.fromkeys(MODES, 0.0) for k in KINDS}
    counts = Counter(kind for kind, _, _ in queries)
    for kind, text, expected in queries:
        for mode in MODES:
            items = service.search(db, settings, text, mode=mode, limit=TOP).items[:TOP]
            hits = [bool(right(kind, expected, item)) for item in items]
            known_item = kind in ("quoted title", "pasted abstract")
            sums[kind][mode] += float(any(hits)) if known_item else sum(hits) / TOP
    return {
        k: {m: v / counts[k] for m, v in modes.items()} for k, modes in sums.items() if counts[k]
    }
