"""The vector index shared by the workers of a machine: a snapshot mapped read-only, the papers
embedded since in a delta of each worker (filtered like the rest), and new snapshots written by
the embed job and switched to by the workers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from dailypapers.search import indexing, service, vector_snapshots
from dailypapers.search.embedder import DIMENSIONS, MODEL_NAME
from dailypapers.search.semantic import SemanticIndex
from dailypapers.search.vectors import VectorIndex
from dailypapers.store import papers as paper_store
from tests.support import data

pytestmark = [pytest.mark.store("search"), pytest.mark.usefixtures("vector_snapshot")]

ROOT = Path(__file__).resolve().parents[2]
RPT = "2506.08007"  # "Reinforcement Pre-Training", in cs.CL

# A worker in its own process: opens the snapshot, then, for each paper id read from stdin,
# catches up and prints the top hit for that paper's stored vector and what it holds.
WORKER = """
import json, sys
from dailypapers.db import connect
from dailypapers.search import indexing
from dailypapers.search.semantic import SemanticIndex

db = connect(sys.argv[1])
worker = SemanticIndex(__import__("pathlib").Path(sys.argv[2]), refresh_interval=0)
first, _ = worker.get(db)
print(json.dumps({"generation": first.generation, "papers": len(first)}), flush=True)
for line in sys.stdin:
    index, _ = worker.get(db)
    _, vectors = indexing.embeddings_for(db, [int(line)])
    hit = index.search(vectors[0], 1)[0].paper_id
    print(json.dumps({"same": index is first, "generation": index.generation, "hit": hit,
                      "papers": len(index), "delta": len(index.delta)}), flush=True)
"""


def _new_paper(db, settings, arxiv_id: str, **fields) -> int:
    data.store(db, data.paper(arxiv_id, **fields))
    assert indexing.embed_pending(db, settings) == 1
    with db.read() as conn:
        return paper_store.get(conn, arxiv_id)["id"]


def test_a_second_process_sees_new_papers_without_loading_the_index_again(db, search_settings):
    folder = search_settings.resolved_search_index_dir
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, search_settings.resolved_database_url, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        opened = json.loads(worker.stdout.readline())
        assert opened["generation"] == vector_snapshots.current(folder)
        paper_id = _new_paper(
            db,
            search_settings,
            "2507.00001",
            title="Octopus arms as distributed controllers for soft robots",
            abstract="Each tentacle of an octopus is modelled as an independent controller.",
        )
        worker.stdin.write(f"{paper_id}\n")
        worker.stdin.flush()
        seen = json.loads(worker.stdout.readline())
    finally:
        worker.stdin.close()
        worker.wait(30)
    assert seen == {
        "same": True,
        "generation": opened["generation"],
        "hit": paper_id,
        "papers": opened["papers"] + 1,
        "delta": 1,
    }


def test_filters_apply_to_papers_embedded_since_the_snapshot(db, search_settings):
    index = VectorIndex.load(search_settings.resolved_search_index_dir, MODEL_NAME, DIMENSIONS)
    new = _new_paper(
        db,
        search_settings,
        "2507.00002",
        title="Grid cells of bats",
        abstract="Bats navigate in three dimensions with grid cells of the entorhinal cortex.",
        categories=["astro-ph.EP"],  # a category the snapshot has never seen
        published_at=datetime(2025, 7, 2, tzinfo=UTC),
    )
    # A corpus paper embedded again, its category changed: the delta's copy hides the other.
    with db.read() as conn:
        stored = paper_store.get(conn, RPT)
    changed = data.paper(
        RPT,
        stored["title"] + " at scale",
        abstract=stored["abstract"],
        authors=stored["authors"],
        categories=["astro-ph.EP"],
        published_at=stored["published_at"],
    )
    data.store(db, changed)
    assert indexing.embed_pending(db, search_settings) == 1
    index.catch_up(db)
    assert len(index.delta) == 2 and len(index) == len(index.present.nonzero()[0]) + 1
    _, vectors = indexing.embeddings_for(db, [new, stored["id"]])

    def found(vector, **filters) -> list[int]:
        return [h.paper_id for h in index.search(vector, 200, index.mask(**filters))]

    assert found(vectors[0], categories=["astro-ph"]) == [new, stored["id"]]
    assert new not in found(vectors[0], categories=["cs.CL"])
    assert stored["id"] not in found(vectors[1], categories=["cs.CL"])
    assert new in found(vectors[0], date_from=date(2025, 7, 1))
    assert new not in found(vectors[0], date_to=date(2025, 7, 1))
    everything = [h.paper_id for h in index.search(vectors[1], 200)]
    assert everything[0] == stored["id"] and everything.count(stored["id"]) == 1
    assert np.allclose(index.vector_of(stored["id"]), vectors[1])
    results = service.search(db, search_settings, "bats grid cells cat:astro-ph", mode="semantic")
    assert {i.arxiv_id for i in results.items} == {"2507.00002", RPT}


def test_the_embed_job_writes_a_new_snapshot_past_the_bound_and_workers_switch_to_it(
    db, search_settings, monkeypatch
):
    folder = search_settings.resolved_search_index_dir
    worker = SemanticIndex(folder, refresh_interval=0)
    before, _ = worker.get(db)
    first = vector_snapshots.current(folder)
    monkeypatch.setattr(indexing, "DELTA_LIMIT", 2)
    job = indexing.EmbedJob(db, search_settings)
    data.store(db, data.paper("2507.00003", "Ants", abstract="Ants follow trails of scent."))
    job(threading.Event())
    assert vector_snapshots.current(folder) == first  # one new embedding: under the bound
    data.store(db, data.paper("2507.00004", "Moths", abstract="Moths steer by the moon."))
    job(threading.Event())
    second = vector_snapshots.current(folder)
    assert second != first and indexing.snapshot_lag(db, search_settings) == 0
    after, _ = worker.get(db)
    assert after is not before and after.generation == second
    assert len(after.delta) == 0 and len(after) == len(before) + 2
    third = indexing.write_snapshot(db, search_settings).generation
    generations = [p.name for p in (folder / "vectors").iterdir()]
    assert sorted(generations) == sorted([second, third, "CURRENT"])  # older ones are removed
