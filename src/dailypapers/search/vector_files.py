"""Embeddings computed elsewhere (a lab's GPU): the texts to embed written out, vectors read back.

Both files are JSON Lines, streamed a chunk at a time, so their size is not bounded by memory:

- exported, one paper a line: ``{"id": arxiv_id, "model": "all-MiniLM-L6-v2", "text": ...}``,
  ``text`` being exactly what :func:`embedder.paper_text` gives (what this site would embed);
- imported, one paper a line: ``{"id": arxiv_id, "vector": [384 numbers]}``, with an optional
  ``"model"`` that must then be this site's. Queries are embedded here with that model, so a
  vector of any other model would rank nonsense. Vectors are normalised to unit length.

A broken line (not JSON, no id, another model, wrong dimension, a non-finite or zero vector) is
rejected and reported by its number; the others are imported. Ids not stored are reported apart.
An imported vector is stored as current for the paper's text at import time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.search import embedder, semantic
from dailypapers.store import embeddings as embedding_store

CHUNK = 1000  # lines per write transaction: a few hundred kB of vectors
REPORTED = 100  # rejected lines and unknown ids kept by their text; the rest are counted


class BadVector(ValueError):
    """One imported line that cannot be used: the message says why."""


@dataclass
class ImportReport:
    imported: int = 0
    rejected: int = 0
    unknown: int = 0
    rejections: list[str] = field(default_factory=list)  # "line N: why", the first REPORTED
    unknown_ids: list[str] = field(default_factory=list)  # the first REPORTED

    def reject(self, number: int, why: str) -> None:
        self.rejected += 1
        if len(self.rejections) < REPORTED:
            self.rejections.append(f"line {number}: {why}")

    def not_stored(self, arxiv_id: str) -> None:
        self.unknown += 1
        if len(self.unknown_ids) < REPORTED:
            self.unknown_ids.append(arxiv_id)


def export_texts(db: Database, out: TextIO, *, everything: bool = False) -> int:
    """Write the texts of papers lacking a current embedding (``everything``: every paper) to
    ``out``; returns how many."""
    written, after = 0, 0
    while True:
        with db.read() as conn:
            rows = embedding_store.pending(
                conn, embedder.MODEL_NAME, after_id=after, limit=CHUNK, everything=everything
            )
        if not rows:
            return written
        after = rows[-1]["id"]
        for row in rows:
            text = embedder.paper_text(row["title"], row["abstract"])
            line = {"id": row["arxiv_id"], "model": embedder.MODEL_NAME, "text": text}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        written += len(rows)


def parse_line(line: str) -> tuple[str, np.ndarray]:
    """(arXiv id, unit vector) of one imported line; raises :class:`BadVector`."""
    try:
        item = json.loads(line)
    except ValueError:
        raise BadVector("not JSON") from None
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
        raise BadVector('no "id" (the paper\'s arXiv id)')
    model = item.get("model", embedder.MODEL_NAME)
    if model != embedder.MODEL_NAME:
        raise BadVector(f"a vector of {model!r}; this site embeds with {embedder.MODEL_NAME!r}")
    values = item.get("vector")
    if not isinstance(values, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    ):
        raise BadVector('"vector" is not a list of numbers')
    if len(values) != embedder.DIMENSIONS:
        raise BadVector(f"{len(values)} dimensions; the model has {embedder.DIMENSIONS}")
    vector = np.asarray(values, dtype=np.float64)
    if not np.isfinite(vector).all():
        raise BadVector("the vector holds a value that is not finite")
    norm = float(np.linalg.norm(vector))
    if norm == 0.0 or not math.isfinite(norm):
        raise BadVector("the vector has no direction (zero length)")
    return item["id"], (vector / norm).astype(np.float32)


def import_vectors(
    db: Database,
    settings: Settings,
    lines: Iterable[str],
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Store the vectors of ``lines`` (see the module's format) as the papers' embeddings."""
    report = ImportReport()
    batch: dict[str, np.ndarray] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            arxiv_id, vector = parse_line(line)
        except BadVector as error:
            report.reject(number, str(error))
            continue
        batch[arxiv_id] = vector
        if len(batch) >= CHUNK:
            _store(db, batch, report, progress)
            batch = {}
    if batch:
        _store(db, batch, report, progress)
    loaded = semantic.loaded(db, settings)
    if report.imported and loaded is not None and loaded.index is not None:
        loaded.index.catch_up(db)
    return report


def _store(
    db: Database,
    batch: dict[str, np.ndarray],
    report: ImportReport,
    progress: Callable[[int], None] | None,
) -> None:
    with db.write() as conn:
        papers = embedding_store.texts_of(conn, list(batch))
        rows: list[dict[str, Any]] = []
        for arxiv_id, vector in batch.items():
            paper = papers.get(arxiv_id)
            if paper is None:
                report.not_stored(arxiv_id)
                continue
            text = embedder.paper_text(paper["title"], paper["abstract"])
            rows.append(
                {
                    "paper_id": paper["id"],
                    "model": embedder.MODEL_NAME,
                    "content_hash": paper["content_hash"],
                    "text_hash": embedder.text_hash(text),
                    "vector": embedding_store.to_bytes(vector),
                }
            )
        embedding_store.save(conn, rows)
    report.imported += len(rows)
    if progress:
        progress(len(batch))
