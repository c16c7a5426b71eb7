"""Which "for you" model finds a reader's next papers: ``python -m bench recommend [-- ARGS]``.

Readers are real arXiv authors from ../shared/data/arxiv-listings (names folded with
``name_keys.name_key``), those with 6 or more papers, at most 40 (more are mostly several
people under one common name). Their papers listed before a cut-off day are their library; each
later listing day with a paper of theirs is a query: every paper listed that day is ranked, and
their papers of that day are the relevant ones. hits@5, hits@10 (relevant papers in the top k)
and nDCG@10 come from ``ranx``. Embeddings are the real store's (all-MiniLM-L6-v2, the
``paper_embeddings`` of ``--store``, opened read-only).

👍/👎: for readers with two or more query days, the first half of their days simulate feedback
(a 👍 on each of their papers the model put in the top 10, a 👎 on the three best-ranked papers
that were not theirs); the second half is ranked with and without that feedback.

A second table times the chosen model as the site runs it (one reader's day, and the archive
through the usearch index) and a third prints, for three narrow topics, the 10 archive papers
recommended to a reader whose library is 10 papers of that topic.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from ranx import Qrels, Run, evaluate
from rich.console import Console
from rich.table import Table

from bench import _recommend_models as models
from bench import _recommend_timing as timing
from dailypapers.name_keys import name_key
from dailypapers.store.embeddings import from_bytes

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "arxiv-listings"
RESULTS = Path(__file__).parent / "results"
STORE = RESULTS / "s90k.sqlite3"
INDEX = RESULTS / "data90k" / "search"  # the usearch snapshot of that store
METRICS = ["hits@5", "hits@10", "ndcg@10"]
DIMENSIONS = 384
MAX_PAPERS = 40  # an author key with more papers is usually several people
DISLIKES_PER_DAY = 3  # non-target papers of a day's top 10 a simulated reader marks 👎


@dataclass
class Corpus:
    arxiv_ids: list[str]
    vectors: np.ndarray  # unit rows, one per paper
    day_of: np.ndarray  # listing day number of each paper
    days: dict[int, np.ndarray]  # day number -> paper rows listed that day
    by_author: dict[str, list[int]]


@dataclass
class Query:
    qid: str
    author: str
    day: int
    library: list[int]
    relevant: list[int]


def load_vectors(store: Path) -> dict[str, np.ndarray]:
    """{arxiv id: unit vector} of every embedded paper of the store, opened read-only."""
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT p.arxiv_id, e.vector FROM papers p JOIN paper_embeddings e ON e.paper_id = p.id"
        ).fetchall()
    finally:
        conn.close()
    matrix = from_bytes([r[1] for r in rows], DIMENSIONS)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    return {r[0]: matrix[i] for i, r in enumerate(rows)}


def load_corpus(store: Path) -> Corpus:
    vectors = load_vectors(store)
    ids, rows, day_of, authors_of = [], [], [], []
    seen: set[str] = set()
    for path in sorted(SHARED.glob("*.jsonl.gz")):
        day = date.fromisoformat(path.name[:10]).toordinal()
        with gzip.open(path, "rt") as handle:
            for line in handle:
                record = json.loads(line)
                arxiv_id = record["id"]
                if arxiv_id in seen or arxiv_id not in vectors:
                    continue
                seen.add(arxiv_id)
                ids.append(arxiv_id)
                rows.append(vectors[arxiv_id])
                day_of.append(day)
                authors_of.append({name_key(a) for a in record.get("authors", [])} - {""})
    day_of_array = np.array(day_of)
    days: dict[int, list[int]] = defaultdict(list)
    by_author: dict[str, list[int]] = defaultdict(list)
    for index, day in enumerate(day_of):
        days[day].append(index)
        for author in authors_of[index]:
            by_author[author].append(index)
    return Corpus(
        ids,
        np.vstack(rows).astype(np.float32),
        day_of_array,
        {d: np.array(v) for d, v in days.items()},
        dict(by_author),
    )


def make_queries(corpus: Corpus, readers: int, cut_share: float, seed: int) -> list[Query]:
    ordered_days = sorted(corpus.days)
    cut = ordered_days[int(len(ordered_days) * cut_share)]
    eligible = []
    for author, papers in corpus.by_author.items():
        if not 6 <= len(papers) <= MAX_PAPERS:
            continue
        library = [p for p in papers if corpus.day_of[p] < cut]
        later = [p for p in papers if corpus.day_of[p] >= cut]
        if len(library) >= 3 and later:
            eligible.append((author, library, later))
    eligible.sort()
    picked = random.Random(seed).sample(eligible, min(readers, len(eligible)))
    queries = []
    for author, library, later in picked:
        by_day: dict[int, list[int]] = defaultdict(list)
        for paper in later:
            by_day[int(corpus.day_of[paper])].append(paper)
        for day, relevant in sorted(by_day.items()):
            queries.append(Query(f"{author}|{day}", author, day, library, relevant))
    return queries


def rank(
    corpus: Corpus,
    model: models.Model,
    query: Query,
    likes: list[int] = (),
    dislikes: list[int] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """(the day's paper rows, their scores) for one query."""
    rows = corpus.days[query.day]
    library = corpus.vectors[query.library]
    ages = (query.day - corpus.day_of[query.library]).astype(np.float64)
    liked = corpus.vectors[list(likes)] if likes else np.zeros((0, DIMENSIONS), np.float32)
    disliked = corpus.vectors[list(dislikes)] if dislikes else np.zeros((0, DIMENSIONS), np.float32)
    return rows, np.asarray(model(library, ages, liked, disliked, corpus.vectors[rows]))


def run_of(corpus: Corpus, model: models.Model, queries: list[Query], feedback=None) -> dict:
    """A ranx run: {qid: {arxiv id: score}} with each query's top 100."""
    run = {}
    for query in queries:
        likes, dislikes = (feedback or {}).get(query.author, ([], []))
        rows, scores = rank(corpus, model, query, likes, dislikes)
        top = np.argsort(-scores, kind="stable")[:100]
        run[query.qid] = {corpus.arxiv_ids[rows[i]]: float(scores[i]) for i in top}
    return run


def qrels_of(corpus: Corpus, queries: list[Query]) -> Qrels:
    return Qrels({q.qid: {corpus.arxiv_ids[p]: 1 for p in q.relevant} for q in queries})


def measure(corpus: Corpus, model, queries: list[Query], feedback=None) -> dict[str, float]:
    run = Run(run_of(corpus, model, queries, feedback))
    scores = evaluate(qrels_of(corpus, queries), run, METRICS, make_comparable=True)
    return {m: float(scores[m]) for m in METRICS}


def split_feedback(queries: list[Query]) -> tuple[list[Query], list[Query]]:
    """(feedback days, evaluation days): each reader's first half of days and the rest."""
    by_author: dict[str, list[Query]] = defaultdict(list)
    for query in queries:
        by_author[query.author].append(query)
    early, late = [], []
    for days in by_author.values():
        if len(days) >= 2:
            half = len(days) // 2
            early += days[:half]
            late += days[half:]
    return early, late


def simulate_feedback(corpus: Corpus, model, early: list[Query]) -> dict:
    """{author: (👍 rows, 👎 rows)} from what the model showed on each reader's early days."""
    feedback: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for query in early:
        rows, scores = rank(corpus, model, query)
        top = [int(rows[i]) for i in np.argsort(-scores, kind="stable")[:10]]
        likes, dislikes = feedback[query.author]
        likes += [p for p in top if p in query.relevant]
        dislikes += [p for p in top if p not in query.relevant][:DISLIKES_PER_DAY]
    return dict(feedback)


def near_dislikes_in_top10(corpus: Corpus, model, late: list[Query], feedback, with_it: bool):
    """Share of the top 10 that are close (cosine > 0.6) to one of the reader's 👎 papers."""
    near, shown = 0, 0
    for query in late:
        dislikes = feedback.get(query.author, ([], []))[1]
        if not dislikes:
            continue
        rows, scores = rank(
            corpus, model, query, *(feedback[query.author] if with_it else ([], []))
        )
        top = rows[np.argsort(-scores, kind="stable")[:10]]
        closeness = (corpus.vectors[top] @ corpus.vectors[dislikes].T).max(axis=1)
        near += int((closeness > 0.6).sum())
        shown += len(top)
    return near / max(shown, 1)


def feedback_effect(corpus: Corpus, model, queries: list[Query]) -> dict:
    early, late = split_feedback(queries)
    feedback = simulate_feedback(corpus, model, early)
    return {
        "evaluation_queries": len(late),
        "without": measure(corpus, model, late),
        "with": measure(corpus, model, late, feedback),
        "near_dislike_share_without": near_dislikes_in_top10(corpus, model, late, feedback, False),
        "near_dislike_share_with": near_dislikes_in_top10(corpus, model, late, feedback, True),
    }


def quality_table(result: dict) -> Table:
    table = Table(
        title=f"recommend: {result['readers']} authors, {result['queries']} query days, "
        f"{result['mean_day_size']:.0f} papers a day, library {result['mean_library']:.1f} papers"
    )
    for column in ("model", *METRICS, "hits@10 vs centroid", "ms / reader-day"):
        table.add_column(column, justify="right")
    base = result["models"]["centroid (today, baseline)"]["hits@10"]
    for name, m in result["models"].items():
        change = f"{100 * (m['hits@10'] / base - 1):+.0f}%" if base else "-"
        table.add_row(name, *(f"{m[k]:.3f}" for k in METRICS), change, f"{m['ms_per_query']:.2f}")
    return table


def feedback_table(effects: dict) -> Table:
    table = Table(title="👍/👎 simulated from held-out days (first half feeds the second)")
    for column in ("model", "feedback", *METRICS, "top 10 near a 👎"):
        table.add_column(column, justify="right")
    for name, effect in effects.items():
        for label in ("without", "with"):
            m = effect[label]
            share = effect[f"near_dislike_share_{label}"]
            table.add_row(name, label, *(f"{m[k]:.3f}" for k in METRICS), f"{share:.3f}")
    return table


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench recommend")
    parser.add_argument("--store", type=Path, default=STORE, help="an 85k store, read-only")
    parser.add_argument("--index", type=Path, default=INDEX, help="its vector index snapshot")
    parser.add_argument("--readers", type=int, default=400)
    parser.add_argument("--cut", type=float, default=0.75, help="share of days in the library")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", default="", help="models whose name contains this")
    parser.add_argument("--no-feedback", action="store_true", help="skip the 👍/👎 table")
    args = parser.parse_args(argv)
    if not SHARED.is_dir() or not args.store.is_file():
        raise SystemExit(f"needs {SHARED} and an embedded store at {args.store}")
    corpus = load_corpus(args.store)
    queries = make_queries(corpus, args.readers, args.cut, args.seed)
    result = {
        "readers": len({q.author for q in queries}),
        "queries": len(queries),
        "mean_day_size": float(np.mean([len(corpus.days[q.day]) for q in queries])),
        "mean_library": float(np.mean([len(q.library) for q in queries])),
        "models": {},
        "feedback": {},
    }
    candidates = models.candidates()
    for name, model in candidates.items():
        if args.only and args.only not in name and not name.startswith("centroid (today"):
            continue
        started = time.perf_counter()
        scores = measure(corpus, model, queries)
        elapsed = time.perf_counter() - started
        result["models"][name] = scores | {"ms_per_query": 1000 * elapsed / len(queries)}
    console = Console(width=150)
    console.print(quality_table(result))
    for name in ("centroid (today, baseline)", models.SITE):
        if name in result["models"] and not args.no_feedback:
            result["feedback"][name] = feedback_effect(corpus, candidates[name], queries)
    console.print(feedback_table(result["feedback"]))
    result["latency"] = timing.latency(corpus, queries, args.store, args.index, console)
    result["topics"] = timing.topics(corpus, args.store, args.index, console)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "recommend.json").write_text(json.dumps(result, indent=2))
