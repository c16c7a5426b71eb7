"""The pipeline keeps a paper's code links current: written with the paper from its abstract,
comment and the upstream feed's repository and project page, rewritten when it changes."""

from __future__ import annotations

import dataclasses
import gzip
import json

from dailypapers.ingest import importer
from dailypapers.store import paper_links as link_store
from dailypapers.store import papers as paper_store
from tests.support import data

DAY = "2025-06-10"  # a saved upstream day of 28 entries


def _links(db, arxiv_id: str) -> list[tuple[str, str, str]]:
    with db.read() as conn:
        paper_id = paper_store.id_of(conn, arxiv_id)
        rows = link_store.of_papers(conn, [paper_id]).get(paper_id, [])
    return [(row["url"], row["kind"], row["source"]) for row in rows]


def test_a_stored_paper_has_the_links_of_its_abstract_and_comment(db):
    # 2505.19457 as listed: the repository in the abstract, the project page in the comment.
    record = dataclasses.replace(
        data.paper("2505.19457"),
        abstract="The code and dataset are available at\n"
        "https://github.com/HiThink-Research/BizFinBench.",
        comment="Project Page: https://hithink-research.github.io/BizFinBench/",
    )
    data.store(db, record)
    assert _links(db, "2505.19457") == [
        ("https://github.com/HiThink-Research/BizFinBench", "code", "abstract"),
        ("https://hithink-research.github.io/BizFinBench", "project", "comment"),
    ]


def test_a_changed_abstract_rewrites_the_links_and_an_unchanged_one_keeps_them(db):
    first = dataclasses.replace(
        data.paper("2605.27387"),
        abstract="Our code is available at https://github.com/Oli-lab-nun/FLUID/tree/main.",
    )
    data.store(db, first)
    data.store(db, first)
    assert _links(db, "2605.27387") == [
        ("https://github.com/Oli-lab-nun/FLUID", "code", "abstract")
    ]
    data.store(db, dataclasses.replace(first, abstract="No code any more.", version=2))
    assert _links(db, "2605.27387") == []


def test_the_upstream_feeds_repository_and_project_page_come_first(db, shared_data):
    importer.import_paths(db, [shared_data / "hf-daily-papers" / f"{DAY}.json.gz"])
    entries = json.loads(
        gzip.decompress((shared_data / "hf-daily-papers" / f"{DAY}.json.gz").read_bytes())
    )
    with_repo = [e["paper"] for e in entries if e["paper"].get("githubRepo")]
    assert with_repo
    for paper in with_repo:
        first = _links(db, paper["id"])[0]
        assert first[1:] == ("code", "upstream")
        assert first[0].lower() == paper["githubRepo"].lower().rstrip("/").removesuffix(".git")
    pages = [e["paper"] for e in entries if e["paper"].get("projectPage")]
    for paper in pages:
        assert any(
            source == "upstream" for _, kind, source in _links(db, paper["id"]) if kind != "code"
        )
