"""How hybrid search fuses its two sides, chosen by measurement: ``python -m bench fusion``.

On each collection of ``python -m bench quality`` (its cached stores: run that first), every
query's keyword side and semantic side are taken once through the real code
(``service.search`` in each mode, 100 results), then fused offline by ranx's methods: reciprocal
rank fusion (k = 10, 60), weighted sums of min-max and z-score normalised scores, CombMNZ, and
our own ``service.search(mode="hybrid")`` beside them. All scored by the same trec_eval code.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import warnings
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench import _beir
from dailypapers.config import Settings
from dailypapers.db import connect
from dailypapers.search import evaluation, semantic, service
from dailypapers.search.evaluation.running import synthetic_id

QUALITY = Path(__file__).resolve().parent / "results" / "quality"
# name -> ranx fuse() arguments
METHODS = {
    "rrf k=60": {"method": "rrf", "params": {"k": 60}},
    "rrf k=10": {"method": "rrf", "params": {"k": 10}},
    "min-max 0.3 / 0.7": {"norm": "min-max", "method": "wsum", "params": {"weights": [0.3, 0.7]}},
    "min-max 0.5 / 0.5": {"norm": "min-max", "method": "wsum", "params": {"weights": [0.5, 0.5]}},
    "min-max 0.7 / 0.3": {"norm": "min-max", "method": "wsum", "params": {"weights": [0.7, 0.3]}},
    "z-score 0.5 / 0.5": {"norm": "zmuv", "method": "wsum", "params": {"weights": [0.5, 0.5]}},
    "CombMNZ min-max": {"norm": "min-max", "method": "mnz"},
}


def sides(folder: Path, store: Path) -> tuple[evaluation.Collection, dict[str, dict]]:
    """The collection and its runs: keyword, semantic and our hybrid, through the real code."""
    collection = evaluation.load_beir(folder)
    settings = Settings(
        data_dir=store,
        database_url=f"sqlite:///{store / 'eval.sqlite3'}",
        search_model_dir=QUALITY / "models",
        harvest_sources=[],
        jobs=[],
    )
    db = connect(settings.resolved_database_url)
    semantic.for_settings(db, settings).refresh_interval = float("inf")
    back = {synthetic_id(n): doc for n, doc in enumerate(collection.corpus)}
    runs: dict[str, dict] = {"keyword": {}, "semantic": {}, "ours (hybrid)": {}}
    for query_id in collection.qrels:
        for mode, name in (
            ("keyword", "keyword"),
            ("semantic", "semantic"),
            ("hybrid", "ours (hybrid)"),
        ):
            found = service.search(db, settings, collection.queries[query_id], mode=mode, limit=100)
            ranked = [back[item.arxiv_id] for item in found.items]
            scores = [item.score for item in found.items]
            # ranx normalises scores: keep each side's own; our hybrid run is an order only.
            runs[name][query_id] = (
                {d: float(len(ranked) - n) for n, d in enumerate(ranked)}
                if name == "ours (hybrid)"
                else dict(zip(ranked, scores, strict=True))
            )
    db.dispose()
    return collection, runs


def fused(runs: dict[str, dict], arguments: dict) -> dict[str, dict[str, float]]:
    from ranx import Run, fuse

    pair = [
        Run({q: h or {"-": 0.0} for q, h in runs[side].items()}) for side in ("keyword", "semantic")
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba's note on a cast inside ranx's normalisation
        return fuse(pair, **arguments).to_dict()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench fusion")
    parser.add_argument("--collections", type=Path, default=None, help="default: the newest")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    built = args.collections or max(
        (QUALITY / "collections").iterdir(), key=lambda p: p.stat().st_mtime
    )
    table = Table(title=f"fusion methods, nDCG@10 ({built.name})")
    table.add_column("method")
    results: dict[str, dict[str, float]] = {}
    for kind in _beir.KINDS:
        folder = built / kind
        corpus = hashlib.sha1((folder / "corpus.jsonl").read_bytes(), usedforsecurity=False)
        store = next((QUALITY / "stores").glob(f"{corpus.hexdigest()[:12]}-*"), None)
        if store is None:
            continue
        table.add_column(kind, justify="right")
        collection, runs = sides(folder, store)
        every = {name: runs[name] for name in runs} | {
            name: fused(runs, arguments) for name, arguments in METHODS.items()
        }
        for name, run in every.items():
            clean = {q: {d: s for d, s in h.items() if d != "-"} for q, h in run.items()}
            results.setdefault(name, {})[kind] = evaluation.score(
                collection.qrels, clean
            ).ndcg_at_10
    for name, by_kind in results.items():
        table.add_row(name, *(f"{by_kind[k]:.3f}" for k in by_kind))
    Console().print(table)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
