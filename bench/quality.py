"""Search quality as IR people measure it: ours beside reference systems on three collections.

``python -m bench quality [-- --docs N --queries N --seed S --embedder onnx-int8|torch
--collections handwritten,summaries,descriptions --fresh]``

For each collection, in one run, on the same documents and queries:

- ours: keyword, semantic and hybrid search through ``dailypapers eval-search``'s own code
  (``search.evaluation.evaluate``: the corpus imported into a store of its own, embedded and
  indexed by the real code, every query through ``search.service.search``, 100 results);
- bm25s with its README's defaults, MiniLM fp32 exact cosine (sentence-transformers), and
  RRF k=60 of the two (ranx), as bench/_quality/references.py says;
- every run scored by the same trec_eval code (pytrec_eval: nDCG@10 with linear gain,
  Recall@100, MRR), each query's own paper dropped when its ``metadata.paper_id`` names one.

The table shows which acceptance rows hold on nDCG@10: our keyword >= bm25s, our semantic
within 0.005 of fp32 MiniLM, our hybrid >= the better of our two sides and >= RRF of the
references. JSON goes to bench/results/quality.json, every run as a TREC file to
bench/results/quality/runs/<collection>/.

The collections (bench/_beir.py builds them from ../shared, seeded, cached in
bench/results/quality/collections/):

1. ``handwritten``: the 37 hand-written queries of tests/search/labelled_queries.tsv over the
   test corpus (about 110 papers), judged by hand when they were written.
2. ``summaries``: known items. A sampled feed paper's AI summary (the upstream model's
   paraphrase, not the abstract's words) is the query; its paper is the one relevant document.
3. ``descriptions``: known items. Long requests as a person types them, e.g. ``Can you find
   work about timestep sampling (not surveys, please) that improves ... The title had "Latent
   Video Cascaded" in it, if I remember well.``. Each is written from one feed paper: a topic
   from its AI keywords (never those naming its system), what it does from its AI summary's
   predicate (paraphrased, cut at 18 words), one quoted fragment (title words or a keyword),
   misquoted in about a third of the queries (words swapped, a near synonym, a plural, a word
   dropped: kept only when the result occurs nowhere in the paper), an opener, a parenthesis
   and stop words. Judged honestly as what it is: the source paper is the one relevant
   document. Other papers may answer a request too and count as misses, so absolute numbers
   are a floor, alike for every system; comparing systems is what the set is for.

Sets 2 and 3 share one corpus: their queried papers plus a seeded sample of all ~85,000 shared
papers, ``--docs`` in all (default 3,000: a few minutes to embed twice, int8 for ours and fp32
for the reference, on two cores; 10-20k makes differences firmer). Stores, reference vectors
and collections are cached under bench/results/quality/ by corpus, so re-runs only query;
``--fresh`` rebuilds them (do it after a change to how papers are indexed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from bench import _beir
from bench._quality import references, report
from dailypapers.config import Settings
from dailypapers.search import embedder, evaluation

RESULTS = Path(__file__).resolve().parent / "results"
console = Console(width=max(Console().width, 110))  # the table's checks need the room


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench quality")
    parser.add_argument("--docs", type=int, default=3000, help="corpus of the known-item sets")
    parser.add_argument("--queries", type=int, default=200, help="queries per known-item set")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--embedder", choices=("onnx-int8", "torch"), default="onnx-int8")
    parser.add_argument("--collections", default=",".join(_beir.KINDS))
    parser.add_argument("--out", type=Path, default=RESULTS / "quality")
    parser.add_argument("--fresh", action="store_true", help="rebuild collections and caches")
    args = parser.parse_args(argv)
    args.collections = [c for c in args.collections.split(",") if c]
    unknown = set(args.collections) - set(_beir.KINDS)
    if unknown:
        parser.error(f"unknown collections {sorted(unknown)}; choose among {_beir.KINDS}")
    return args


def collections(args: argparse.Namespace) -> dict[str, Path]:
    folder = args.out / "collections" / f"{args.docs}d-{args.queries}q-s{args.seed}"
    if args.fresh and folder.exists():
        shutil.rmtree(folder)
    if not all((folder / kind / "qrels" / "test.tsv").exists() for kind in _beir.KINDS):
        console.print(f"building the collections in {folder}")
        _beir.build_all(folder, args.docs, args.queries, args.seed)
    return {kind: folder / kind for kind in args.collections}


def fingerprint(folder: Path) -> str:
    return hashlib.sha1((folder / "corpus.jsonl").read_bytes(), usedforsecurity=False).hexdigest()[
        :12
    ]


def ours(collection, settings: Settings, store: Path) -> dict[str, tuple[evaluation.Run, float]]:
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("our store: importing, embedding", total=None)
        found = evaluation.evaluate(
            collection, settings, store_dir=store, progress=lambda n: bar.advance(task, n)
        )
    return {f"ours {row.mode}": (found.runs[row.mode], row.ms_per_query) for row in found.rows}


def measure(kind: str, folder: Path, args: argparse.Namespace, settings: Settings) -> dict:
    collection = evaluation.load_beir(folder)
    corpus = fingerprint(folder)
    # Vectors depend on the model file too: a new export recipe is a new store.
    model = Path(embedder.ONNX_FILE).stem if args.embedder == "onnx-int8" else args.embedder
    store = args.out / "stores" / f"{corpus}-{model}"
    vectors = args.out / "vectors" / f"{corpus}.npy"
    if args.fresh:
        shutil.rmtree(store, ignore_errors=True)
        vectors.unlink(missing_ok=True)
    runs = ours(collection, settings, store)
    lexical = references.bm25s_run(collection)
    dense = references.minilm_run(collection, vectors)
    fused = references.rrf_run(collection, lexical, dense)
    for name, timed in ((report.BM25S, lexical), (report.MINILM, dense), (report.RRF, fused)):
        runs[name] = (timed.run, timed.ms_per_query)
    results = {}
    for name, (run, ms) in runs.items():
        scores = evaluation.score(collection.qrels, run)
        results[name] = report.Result(scores.ndcg_at_10, scores.recall_at_100, scores.mrr, ms)
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
        evaluation.write_run(args.out / "runs" / kind / f"{slug}.trec", run, tag=slug)
    found = report.checks(results)
    size = f"{len(collection.qrels)} queries, {len(collection.corpus)} documents"
    report.print_table(console, kind, size, results, found)
    return {
        "queries": len(collection.qrels),
        "documents": len(collection.corpus),
        "folder": str(folder),
        **report.as_json(results, found),
    }


def main(argv: list[str]) -> None:
    args = parse(argv)
    settings = Settings(
        data_dir=args.out / "site",
        search_model_dir=args.out / "models",
        search_embedder=args.embedder,
        harvest_sources=[],
        jobs=[],
    )
    payload = {
        "docs": args.docs,
        "queries": args.queries,
        "seed": args.seed,
        "embedder": args.embedder,
        "collections": {
            kind: measure(kind, folder, args, settings)
            for kind, folder in collections(args).items()
        },
    }
    (RESULTS / "quality.json").write_text(json.dumps(payload, indent=2))
    console.print(f"saved {RESULTS / 'quality.json'}")
