"""The second and third parts of ``python -m bench recommend``: the chosen model's cost as the
site runs it, and what it recommends from the 85k archive for three narrow topics.

Digest: a day's hubness is computed once per composing round (every reader shares the pool),
then each reader costs one (day x library) product. Archive ("From the archive" on /for-you):
the usearch index snapshot of the 85k store is searched for each library paper's nearest
neighbours, and the union is ranked by the model, as :mod:`dailypapers.recommend.personal` does,
with a third of the last week's thousand papers as the hubness reference (the site keeps each
reader's archive picks until their judgements or the pool change: this is the first view).

Times are CPU time of this process (``time.process_time``) beside wall time: the machine the
bench runs on is shared, and wall time there measures the neighbours as much as the model.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from dailypapers.recommend import model, personal
from dailypapers.search.embedder import DIMENSIONS, MODEL_NAME
from dailypapers.search.vectors import VectorIndex
from dailypapers.store.embeddings import from_bytes

# A topic, the title words that choose its 10 library papers, and the words (any, in the title
# or abstract) that make a recommendation on-topic: the judgement the lead can re-read.
TOPICS = {
    "speculative decoding": (("speculative decoding",), ("speculative", "draft model", "drafter")),
    "machine unlearning": (("unlearning",), ("unlearn",)),
    "3D Gaussian splatting": (("gaussian splatting",), ("gaussian splat", "3dgs", "splatting")),
}


def _store_ids(store: Path) -> tuple[sqlite3.Connection, dict[str, int]]:
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    return conn, dict(conn.execute("SELECT arxiv_id, id FROM papers"))


def _reference(corpus) -> np.ndarray:
    """The last week's papers, a thousand of them evenly spread: the site's hubness sample."""
    last = sorted(corpus.days)[-5:]
    rows = np.concatenate([corpus.days[d] for d in last])
    step = max(1, len(rows) // personal.HUB_REFERENCE) * personal.ARCHIVE_REFERENCE_STEP
    return corpus.vectors[rows[::step]]


def _archive(index: VectorIndex, conn, positives: np.ndarray, exclude: set[int], reference):
    """(store ids, scores, index of the nearest positive) of the archive's best, as the site:
    the index's neighbours, their vectors read from the store in one query."""
    found: dict[int, None] = {}
    for vector in positives[-personal.ARCHIVE_QUERIES :]:
        for hit in index.search(vector, personal.ARCHIVE_NEIGHBOURS):
            found.setdefault(hit.paper_id)
    ids = [i for i in found if i not in exclude]
    rows = dict(
        conn.execute(
            "SELECT paper_id, vector FROM paper_embeddings "
            f"WHERE paper_id IN ({','.join('?' * len(ids))})",
            ids,
        )
    )
    matrix = from_bytes([rows[i] for i in ids], DIMENSIONS)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    taste = model.Taste(positives, positives[:0])
    ranked = model.rank(taste, matrix, model.hubness(matrix, reference), reference)
    order = np.argsort(-ranked.scores, kind="stable")[:10]
    return [ids[i] for i in order], ranked.scores[order], ranked.because[order]


def latency(corpus, queries, store: Path, index_dir: Path, console: Console) -> dict:
    days = {d: corpus.vectors[corpus.days[d]] for d in sorted({q.day for q in queries})}
    libraries = [corpus.vectors[q.library] for q in queries]
    hubs, hub_ms = _timed(lambda: {d: model.hubness(m, m) for d, m in days.items()}, len(days))

    def digest() -> None:
        for query, library in zip(queries, libraries, strict=True):
            day = days[query.day]
            model.rank(model.Taste(library, day[:0]), day, hubs[query.day], day)

    _, reader_ms = _timed(digest, len(queries))
    index = VectorIndex.load(index_dir, MODEL_NAME, DIMENSIONS)
    conn, store_ids = _store_ids(store)
    reference = _reference(corpus)
    readers = [
        (libraries[i], {store_ids[corpus.arxiv_ids[p]] for p in q.library})
        for i, q in enumerate(queries[:200])
    ]

    def archive() -> None:
        for positives, exclude in readers:
            _archive(index, conn, positives, exclude, reference)

    _, archive_ms = _timed(archive, len(readers))
    conn.close()
    result = {
        "day_hubness_ms_once_per_day": hub_ms,
        "digest_ms_per_reader_day": reader_ms,
        "archive_ms_per_reader": archive_ms,
        "archive_papers": len(index),
    }
    table = Table(title=f"the chosen model's cost ({len(index)} papers in the index)")
    for column in ("step", "CPU ms", "wall ms", "goal"):
        table.add_column(column, justify="right")
    table.add_row("a day's hubness (once per round, shared)", *_ms(hub_ms), "-")
    table.add_row("digest: one reader's day", *_ms(reader_ms), "<= 5")
    table.add_row("/for-you archive part: one reader", *_ms(archive_ms), "<= 10 (page)")
    console.print(table)
    return result


def _timed(work, count: int):
    """(what ``work()`` returned, {"cpu": ms, "wall": ms} per item)."""
    cpu, wall = time.process_time(), time.perf_counter()
    found = work()
    return found, {
        "cpu": 1000 * (time.process_time() - cpu) / count,
        "wall": 1000 * (time.perf_counter() - wall) / count,
    }


def _ms(timing: dict) -> tuple[str, str]:
    return f"{timing['cpu']:.2f}", f"{timing['wall']:.2f}"


def topics(corpus, store: Path, index_dir: Path, console: Console) -> dict:
    index = VectorIndex.load(index_dir, MODEL_NAME, DIMENSIONS)
    conn, store_ids = _store_ids(store)
    row_of = {a: i for i, a in enumerate(corpus.arxiv_ids)}
    reference = _reference(corpus)
    found = {}
    for topic, (chosen_by, on_topic) in TOPICS.items():
        library = [
            arxiv_id
            for arxiv_id, title in conn.execute("SELECT arxiv_id, title FROM papers ORDER BY id")
            if arxiv_id in row_of and any(w in title.lower() for w in chosen_by)
        ][:10]
        positives = corpus.vectors[[row_of[a] for a in library]]
        ids, _, _ = _archive(index, conn, positives, {store_ids[a] for a in library}, reference)
        rows = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                f"SELECT id, title, abstract FROM papers WHERE id IN ({','.join('?' * len(ids))})",
                ids,
            )
        }
        picked = [rows[i] for i in ids]
        hits = [any(w in (t + " " + a).lower() for w in on_topic) for t, a in picked]
        found[topic] = {"on_topic": sum(hits), "titles": [t for t, _ in picked]}
        table = Table(title=f"{topic}: {sum(hits)} of 10 on-topic (library: 10 such papers)")
        table.add_column("on-topic")
        table.add_column("recommended from the archive")
        for hit, (title, _) in zip(hits, picked, strict=True):
            table.add_row("yes" if hit else "NO", " ".join(title.split()))
        console.print(table)
    conn.close()
    return found
