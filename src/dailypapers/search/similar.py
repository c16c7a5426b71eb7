"""Similar papers: the nearest neighbours of a paper's stored embedding in the vector index."""

from __future__ import annotations

import numpy as np

from dailypapers.db.engine import Database
from dailypapers.search import semantic
from dailypapers.search.embedder import DIMENSIONS, MODEL_NAME
from dailypapers.store import embeddings as embedding_store

# Neighbours this close are the same text under another id (a re-submission, a duplicate).
DUPLICATE = 0.9995


def neighbours(db: Database, settings, paper_id: int, k: int = 8) -> list[tuple[int, float]]:
    """(paper id, cosine) of the ``k`` papers nearest to ``paper_id``, nearest first; empty when
    the paper has no embedding yet or the index is not ready."""
    index, _notice = semantic.for_settings(db, settings).get(db)
    if index is None:
        return []
    vector = index.vector_of(paper_id)
    if vector is None:
        with db.read() as conn:
            stored = embedding_store.vectors_for(conn, [paper_id], MODEL_NAME)
        if paper_id not in stored:
            return []
        vector = embedding_store.from_bytes([stored[paper_id]], DIMENSIONS)[0]
    vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
    hits = index.search(vector, k + 4)
    found = [(h.paper_id, h.score) for h in hits if h.paper_id != paper_id and h.score < DUPLICATE]
    return found[:k]
