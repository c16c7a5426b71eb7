"""Code links found in the real data: coverage over the arXiv listings and recall against the
upstream feed's own repository field.

``python -m bench code_links [-- --sample 50 --seed 13]``

- coverage: of the 79,994 listed papers, how many get a link (any kind, and ``code``) from
  their abstract and comment, with the count of each kind;
- recall: of the listed papers the upstream feed also carries with a ``githubRepo``, the share
  whose repository (normalised the same way, compared without case) is among the links found in
  the listing's abstract and comment alone, and the same share among those whose text names
  the repository at all (its ``host/owner/repo`` in the text with spaces removed: most misses
  are papers whose text gives only a project page or no link);
- a seeded sample of papers with links, each printed with its links and the text around each
  URL, for reading: the precision the module docstring gives is what that reading found.

Results also go to ``bench/results/code_links.json``.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import random
from pathlib import Path

from dailypapers import code_links

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared")) / "data"


def _listings() -> dict[str, dict]:
    papers = {}
    for path in sorted((SHARED / "arxiv-listings").glob("*.jsonl.gz")):
        with gzip.open(path) as lines:
            for line in lines:
                record = json.loads(line)
                papers[record["id"]] = record
    return papers


def _upstream_repos() -> dict[str, str]:
    repos = {}
    for path in sorted((SHARED / "hf-daily-papers").glob("*.json.gz")):
        with gzip.open(path) as file:
            for entry in json.load(file):
                paper = entry["paper"]
                if paper.get("githubRepo"):
                    repos[paper["id"]] = paper["githubRepo"]
    return repos


def measure(sample: int, seed: int) -> dict:
    listed = _listings()
    found = {
        arxiv_id: code_links.links_of(record.get("summary"), record.get("comment"))
        for arxiv_id, record in listed.items()
    }
    kinds = collections.Counter(link.kind for links in found.values() for link in links)
    truth = {a: r for a, r in _upstream_repos().items() if a in listed}
    hits, mentioned, misses = 0, 0, []
    for arxiv_id, repo in truth.items():
        wanted = code_links.classify(repo, "code")
        ours = {link.url.lower() for link in found[arxiv_id]}
        record = listed[arxiv_id]
        text = "".join(f"{record.get('summary')} {record.get('comment')}".lower().split())
        named = bool(wanted) and wanted[0].lower().split("://")[1] in text
        mentioned += named
        if wanted and wanted[0].lower() in ours:
            hits += 1
        elif named:
            misses.append((arxiv_id, repo, sorted(ours)))
    linked = [a for a, links in found.items() if links]
    random.seed(seed)
    return {
        "papers": len(listed),
        "with_a_link": len(linked),
        "with_code": sum(1 for links in found.values() if any(x.kind == "code" for x in links)),
        "kinds": dict(kinds),
        "upstream_repos_listed": len(truth),
        "recall": hits / len(truth) if truth else None,
        "named_in_text": mentioned,
        "recall_of_named": hits / mentioned if mentioned else None,
        "misses": misses,
        "sample": [
            {
                "arxiv_id": a,
                "links": [(x.url, x.kind, x.source) for x in found[a]],
                "text": [listed[a].get("summary"), listed[a].get("comment")],
            }
            for a in random.sample(sorted(linked), min(sample, len(linked)))
        ],
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench code_links")
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    result = measure(args.sample, args.seed)
    print(
        f"{result['with_a_link']:,} of {result['papers']:,} listed papers get a link "
        f"({result['with_code']:,} a code link); kinds {result['kinds']}"
    )
    print(
        f"recall against the upstream's githubRepo: {result['recall']:.1%} of "
        f"{result['upstream_repos_listed']:,}; {result['recall_of_named']:.1%} of the "
        f"{result['named_in_text']:,} whose text names the repository "
        f"({len(result['misses'])} of those missed)"
    )
    out = ROOT / "bench" / "results" / "code_links.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"sample and misses in {out}")
