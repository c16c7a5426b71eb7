"""BEIR-layout collections built from ../shared for `dailypapers eval-search` (bench and notes).

``python -m bench._beir OUT_FOLDER [--papers N] [--queries N]`` writes a known-item collection:
the corpus is the upstream feed's papers (plus arXiv listing papers up to N documents), the
queries are the upstream's AI summaries of sampled feed papers (a paraphrase written without
the abstract's wording), each relevant to its own paper.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from dailypapers.ingest import importer

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def build(out: Path, papers: int, queries: int, seed: int = 4) -> Path:
    docs: dict[str, dict] = {}
    summaries: dict[str, str] = {}
    for path in sorted((SHARED / "hf-daily-papers").glob("*.json.gz")):
        for item in importer.records_from(path):
            paper = getattr(item, "paper", None)
            if paper is None or paper.arxiv_id in docs:
                continue
            docs[paper.arxiv_id] = {
                "_id": paper.arxiv_id,
                "title": paper.title,
                "text": paper.abstract,
            }
            if paper.ai_summary:
                summaries[paper.arxiv_id] = paper.ai_summary
    for path in sorted((SHARED / "arxiv-listings").glob("*.jsonl.gz")):
        if len(docs) >= papers:
            break
        for item in importer.records_from(path):
            if len(docs) >= papers:
                break
            if hasattr(item, "title") and item.arxiv_id not in docs:
                docs[item.arxiv_id] = {
                    "_id": item.arxiv_id,
                    "title": item.title,
                    "text": item.abstract,
                }
    chosen = sorted(random.Random(seed).sample(sorted(summaries), min(queries, len(summaries))))
    ids = list(docs)
    if len(ids) > papers:  # keep every queried paper, sample the rest
        rest = [i for i in ids if i not in set(chosen)]
        keep = set(chosen) | set(random.Random(seed).sample(rest, papers - len(chosen)))
        docs = {k: v for k, v in docs.items() if k in keep}
    (out / "qrels").mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w") as handle:
        handle.writelines(json.dumps(doc) + "\n" for doc in docs.values())
    with (out / "queries.jsonl").open("w") as handle:
        handle.writelines(json.dumps({"_id": f"q{i}", "text": summaries[i]}) + "\n" for i in chosen)
    with (out / "qrels" / "test.tsv").open("w") as handle:
        handle.write("query-id\tcorpus-id\tscore\n")
        handle.writelines(f"q{i}\t{i}\t1\n" for i in chosen)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--papers", type=int, default=3000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print(build(args.out, args.papers, args.queries))
