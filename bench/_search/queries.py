"""The queries the search benchmark asks: varied real ones drawn from the store (for latency)
and labelled ones with their relevant papers (for quality)."""

from __future__ import annotations

import json
import random

from bench._search.corpus import ROOT

LABELLED = ROOT / "tests" / "search" / "labelled_queries.tsv"
# Shares of each kind of query among the drawn ones.
SHARES = {
    "keywords": 0.2,
    "author": 0.15,
    "phrase": 0.15,
    "description": 0.25,
    "pasted abstract": 0.05,
    "id": 0.1,
    "filtered": 0.1,
}


def make_queries(db, total: int = 200, seed: int = 7) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn from the stored papers."""
    rng = random.Random(seed)
    with db.read() as conn:
        feed = conn.exec_driver_sql(
            "SELECT arxiv_id, title, authors, ai_summary, ai_keywords, abstract FROM papers "
            "WHERE ai_summary IS NOT NULL ORDER BY id"
        ).all()
        listed = conn.exec_driver_sql(
            "SELECT arxiv_id, title, categories FROM papers WHERE listed_on IS NOT NULL ORDER BY id"
        ).all()
    return [
        (kind, _query(kind, rng, rng.choice(feed), listed))
        for kind, fraction in SHARES.items()
        for _ in range(round(total * fraction))
    ]


def _query(kind: str, rng: random.Random, row, listed: list) -> str:
    """One query of ``kind`` about the feed paper ``row`` (or a listed paper)."""
    keywords = json.loads(row.ai_keywords or "[]") or [row.title]
    if kind == "keywords":
        return " ".join(rng.choice(keywords).lower().split()[:3])
    if kind == "author":
        name = rng.choice(json.loads(row.authors))
        return name if rng.random() < 0.5 else f'au:"{name}"'
    if kind == "phrase":
        words = row.title.split()
        start = rng.randrange(max(1, len(words) - 2))
        return '"' + " ".join(words[start : start + rng.choice((2, 3))]) + '"'
    if kind == "description":
        return " ".join(row.ai_summary.split()[:25])
    if kind == "pasted abstract":
        return row.abstract[:2000]
    other = rng.choice(listed)
    if kind == "id":
        return rng.choice(
            (other.arxiv_id, f"https://arxiv.org/abs/{other.arxiv_id}v1", f"arXiv:{row.arxiv_id}")
        )
    word = " ".join(rng.choice(keywords).lower().split()[:2])
    return rng.choice(
        (f"{word} cat:{json.loads(other.categories)[0]}", f"{word} from:2025-06-01 to:2025-09-30")
    )


def labelled_sets(
    db, *, summaries: int = 300, titles: int = 0
) -> dict[str, list[tuple[str, set[str]]]]:
    """Query sets with their relevant arXiv ids: the hand-written set, ``summaries`` upstream
    AI summaries and ``titles`` titles (each relevant to its own paper; a fixed sample)."""
    sets: dict[str, list[tuple[str, set[str]]]] = {"hand-written": []}
    for line in LABELLED.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            text, relevant = line.split("\t")
            sets["hand-written"].append((text, set(relevant.split(","))))
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT arxiv_id, ai_summary, title FROM papers WHERE ai_summary IS NOT NULL "
            "ORDER BY id"
        ).all()
    rng = random.Random(11)
    chosen = rng.sample(rows, min(summaries, len(rows)))
    sets["AI summaries"] = [(r.ai_summary, {r.arxiv_id}) for r in chosen]
    if titles:
        sets["titles"] = [(r.title, {r.arxiv_id}) for r in rng.sample(rows, min(titles, len(rows)))]
    return sets
