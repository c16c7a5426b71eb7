"""Migration 0013 fills ``paper_links`` from the papers stored before it, on both backends."""

from __future__ import annotations

from dailypapers.db.schema import paper_links
from tests.db.backfill import backfilled

# (arXiv id, abstract, comment, upstream repository): texts as the listings give them.
BEFORE = [
    ("2507.06146", "Code is available at\n\\href{https://github.com/00why00/PFCD}{here}.", None,
     None),
    ("2604.21590", "Model checkpoints: https://huggingface.co/collections/alibaba-pai/agenticqwen.",
     "Project page: https://agentic.github.io/", "https://github.com/haruhi-sudo/x"),
    ("2509.11344", "No links.", "Published in TMLR. Review: https://openreview.net/forum?id=u",
     None),
]  # fmt: skip


def test_it_backfills_the_links_of_papers_stored_before_it(old_store):
    rows = [
        {"arxiv_id": arxiv_id, "abstract": abstract, "comment": comment, "github_repo": repo}
        for arxiv_id, abstract, comment, repo in BEFORE
    ]
    filled = backfilled(old_store, "0012", rows, paper_links, "position", "url", "kind", "source")
    assert filled == [
        ("2507.06146", 0, "https://github.com/00why00/PFCD", "code", "abstract"),
        ("2604.21590", 0, "https://github.com/haruhi-sudo/x", "code", "upstream"),
        ("2604.21590", 1, "https://huggingface.co/collections/alibaba-pai/agenticqwen", "model",
         "abstract"),
        ("2604.21590", 2, "https://agentic.github.io", "project", "comment"),
    ]  # fmt: skip
