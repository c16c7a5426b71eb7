"""Embedding recipes side by side: speed, agreement with fp32, and ranking quality.

``python -m bench embedding [-- --texts 384 --rounds 3 --collection DIR]``

The product's ONNX recipe (:data:`dailypapers.search.onnx_export.RECIPE`) and the ones it was
chosen against are built into ``bench/results/embedding/`` and run on the same real abstracts as
sentence-transformers' fp32 model, the reference:

- abstracts per second: the median of ``--rounds``, the recipes' order alternating each round;
- cosine to fp32: mean and worst over the abstracts;
- with ``--collection`` (a BEIR folder, e.g. the quality bench's
  ``bench/results/quality/collections/3000d-200q-s4/descriptions``): nDCG@10 by exact cosine
  over its corpus, document vectors cached per recipe.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from bench._search.corpus import SHARED
from dailypapers.ingest import importer
from dailypapers.search import embedder, evaluation, onnx_export
from dailypapers.search.onnx_export import Recipe

RESULTS = Path(__file__).resolve().parent / "results" / "embedding"
REFERENCE = "fp32 sentence-transformers"
RECIPES = {
    "fp32, fused (no int8)": Recipe("fused-fp32", int8_ops=()),
    "int8 everywhere, unfused": Recipe(
        "plain-int8", fuse=False, int8_ops=("MatMul", "Gather"), outlier_ratio=0
    ),
    "int8 after attention, fused": Recipe("fused-int8", outlier_ratio=0),
    f"product ({onnx_export.RECIPE.name})": onnx_export.RECIPE,
}
console = Console(width=max(Console().width, 110))


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench embedding")
    parser.add_argument("--texts", type=int, default=384, help="real abstracts to embed")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--collection", type=Path, help="a BEIR folder for nDCG@10")
    return parser.parse_args(argv)


def abstracts(count: int) -> list[str]:
    texts: list[str] = []
    for path in sorted((SHARED / "arxiv-listings").glob("*.jsonl.gz")):
        texts += [
            embedder.paper_text(r.title, r.abstract)
            for r in importer.records_from(path)
            if hasattr(r, "title")
        ]
        if len(texts) >= count:
            break
    return texts[:count]


def models() -> dict[str, embedder.Embedder]:
    built = {REFERENCE: embedder.TorchEmbedder(embedder.THREADS)}
    for label, recipe in RECIPES.items():
        target = RESULTS / "models" / f"{recipe.name}.onnx"
        if not target.exists():
            console.print(f"building {label}")
            onnx_export.build(target, embedder.model_source(), recipe)
        built[label] = embedder.OnnxEmbedder(target, embedder.THREADS)
    return built


def speeds(built: dict, texts: list[str], rounds: int) -> dict[str, float]:
    names = list(built)
    rates: dict[str, list[float]] = {name: [] for name in names}
    for model in built.values():
        model.embed_texts(texts[:32], embedder.BATCH_SIZE)  # warm: allocations, thread pools
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else names[::-1]:
            started = time.perf_counter()
            built[name].embed_texts(texts, embedder.BATCH_SIZE)
            rates[name].append(len(texts) / (time.perf_counter() - started))
    return {name: statistics.median(values) for name, values in rates.items()}


def ndcg(model, slug: str, folder: Path) -> float:
    """nDCG@10 of exact cosine over the collection, the query's own document dropped."""
    collection = evaluation.load_beir(folder)
    ids = list(collection.corpus)
    corpus = hashlib.sha1((folder / "corpus.jsonl").read_bytes(), usedforsecurity=False)
    cache = RESULTS / "vectors" / f"{corpus.hexdigest()[:12]}-{slug}.npy"
    if cache.exists():
        documents = np.load(cache)
    else:
        texts = [embedder.paper_text(title, text) for title, text in collection.corpus.values()]
        documents = model.embed_texts(texts, embedder.BATCH_SIZE)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, documents)
    run: evaluation.Run = {}
    for query_id in collection.qrels:
        similarity = documents @ model.embed_query(collection.queries[query_id])
        best = [ids[i] for i in np.argsort(-similarity)[:100]]
        run[query_id] = evaluation.ranked_ids(best, collection.query_docs.get(query_id))
    return evaluation.score(collection.qrels, run).ndcg_at_10


def main(argv: list[str]) -> None:
    args = parse(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    texts = abstracts(args.texts)
    built = models()
    rates = speeds(built, texts, args.rounds)
    reference = built[REFERENCE].embed_texts(texts, embedder.BATCH_SIZE)
    table = Table(title=f"{len(texts)} real abstracts, {os.cpu_count()} cores")
    for column in ("recipe", "abstracts/s", "cosine mean", "cosine worst"):
        table.add_column(column, justify="left" if column == "recipe" else "right")
    if args.collection:
        table.add_column(f"nDCG@10 {args.collection.name}", justify="right")
    for label, model in built.items():
        cosines = (reference * model.embed_texts(texts, embedder.BATCH_SIZE)).sum(axis=1)
        row = [label, f"{rates[label]:.1f}", f"{cosines.mean():.4f}", f"{cosines.min():.4f}"]
        if args.collection:
            slug = RECIPES[label].name if label in RECIPES else "torch-fp32"
            row.append(f"{ndcg(model, slug, args.collection):.3f}")
        table.add_row(*row)
    console.print(table)
