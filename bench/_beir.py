"""BEIR-layout collections built from ../shared for `dailypapers eval-search` and the quality bench.

``python -m bench._beir OUT [--docs N] [--queries N] [--seed S]`` writes three collections in
OUT (each ``corpus.jsonl``, ``queries.jsonl``, ``qrels/test.tsv``):

- ``handwritten``: the hand-written queries of tests/search/labelled_queries.tsv over the test
  corpus of tests/search/conftest.py (three feed days and the first 60 papers of a listing
  day), each relevant to the papers its line names.
- ``summaries``: known items. The upstream's AI summaries of sampled feed papers (paraphrases
  written without the abstract's wording) as queries, each relevant to its own paper.
- ``descriptions``: known items. Long requests as a person types them, with quotes (some
  misquoted), parentheses and stop words, each written from one feed paper and relevant to it
  (bench/_quality/descriptions.py says how).

``summaries`` and ``descriptions`` share one corpus of N documents: every queried paper, and a
seeded sample of the rest of the shared data (upstream feed and arXiv listings, about 85,000
papers, each once) up to N. Texts have their whitespace collapsed, so no source's line breaks
tell the papers apart. Everything is seeded: the same arguments write the same files.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

from bench._quality.descriptions import describe
from dailypapers.ingest import importer
from dailypapers.ingest.records import PaperRecord

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
LABELLED = ROOT / "tests" / "search" / "labelled_queries.tsv"
KINDS = ("handwritten", "summaries", "descriptions")


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _doc(paper: PaperRecord, doc_id: str | None = None) -> dict:
    return {
        "_id": doc_id or paper.arxiv_id,
        "title": _clean(paper.title),
        "text": _clean(paper.abstract),
    }


def write(
    out: Path, docs: list[dict], queries: list[dict], qrels: list[tuple[str, str, int]]
) -> Path:
    """One BEIR folder: corpus, queries (with their metadata) and the test qrels."""
    (out / "qrels").mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(doc) + "\n" for doc in docs)
    with (out / "queries.jsonl").open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(query) + "\n" for query in queries)
    with (out / "qrels" / "test.tsv").open("w", encoding="utf-8") as handle:
        handle.write("query-id\tcorpus-id\tscore\n")
        handle.writelines(f"{q}\t{d}\t{grade}\n" for q, d, grade in qrels)
    return out


def handwritten(out: Path) -> Path:
    """The hand-written queries over the test corpus (the same papers the tests search)."""
    from tests.support import corpora

    queries, qrels = [], []
    for line in LABELLED.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            text, relevant = line.split("\t")
            query_id = f"h{len(queries)}"
            queries.append({"_id": query_id, "text": text})
            qrels.extend((query_id, arxiv_id, 1) for arxiv_id in relevant.split(","))
    docs: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        for path in corpora.search_files(Path(folder)):
            for item in importer.records_from(path):
                paper = getattr(item, "paper", item)
                docs.setdefault(paper.arxiv_id, _doc(paper))
    return write(out, list(docs.values()), queries, qrels)


def shared_papers() -> tuple[dict[str, PaperRecord], dict[str, PaperRecord]]:
    """(feed papers, other listed papers) of ../shared, each paper once, by arXiv id."""
    feed: dict[str, PaperRecord] = {}
    for path in sorted((SHARED / "hf-daily-papers").glob("*.json.gz")):
        for item in importer.records_from(path):
            paper = getattr(item, "paper", None)
            if paper is not None:
                feed.setdefault(paper.arxiv_id, paper)
    listed: dict[str, PaperRecord] = {}
    for path in sorted((SHARED / "arxiv-listings").glob("*.jsonl.gz")):
        for item in importer.records_from(path):
            if isinstance(item, PaperRecord) and item.arxiv_id not in feed:
                listed.setdefault(item.arxiv_id, item)
    return feed, listed


def known_items(out: Path, docs: int, queries: int, seed: int = 4) -> tuple[Path, Path]:
    """The ``summaries`` and ``descriptions`` collections in ``out``, on one shared corpus."""
    feed, listed = shared_papers()
    rng = random.Random(seed)
    with_summary = sorted(i for i, p in feed.items() if p.ai_summary)
    summarised = sorted(rng.sample(with_summary, min(queries, len(with_summary))))
    described: dict[str, tuple[str, dict]] = {}
    for arxiv_id in random.Random(seed + 1).sample(with_summary, len(with_summary)):
        if len(described) == queries:
            break
        made = describe(feed[arxiv_id], random.Random(f"{seed}-{arxiv_id}"))
        if made is not None:
            described[arxiv_id] = made
    queried = set(summarised) | set(described)
    pool = sorted(set(feed) | set(listed))
    rest = [i for i in pool if i not in queried]
    kept = queried | set(rng.sample(rest, max(0, min(len(rest), docs - len(queried)))))
    corpus = [_doc(feed.get(i) or listed[i]) for i in pool if i in kept]
    summaries = write(
        out / "summaries",
        corpus,
        [{"_id": f"s{i}", "text": feed[i].ai_summary} for i in summarised],
        [(f"s{i}", i, 1) for i in summarised],
    )
    descriptions = write(
        out / "descriptions",
        corpus,
        [{"_id": f"d{i}", "text": text, "metadata": meta} for i, (text, meta) in described.items()],
        [(f"d{i}", i, 1) for i in described],
    )
    return summaries, descriptions


def build_all(out: Path, docs: int, queries: int, seed: int = 4) -> dict[str, Path]:
    """Every collection of the bench in ``out``, by kind."""
    summaries, descriptions = known_items(out, docs, queries, seed)
    return {
        "handwritten": handwritten(out / "handwritten"),
        "summaries": summaries,
        "descriptions": descriptions,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench._beir")
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=3000, help="corpus of the known-item sets")
    parser.add_argument("--queries", type=int, default=200, help="queries of each known-item set")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    for kind, folder in build_all(args.out, args.docs, args.queries, args.seed).items():
        print(kind, folder)
