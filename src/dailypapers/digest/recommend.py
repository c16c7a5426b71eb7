"""A reader's taste as one vector, learned from the papers they liked and disliked. Pure functions.

A reader's taste is learned from the embeddings of the papers they upvoted or saved (positives)
and marked "not interested" (negatives), Rocchio-style::

    profile = mean(unit(positives)) - NEGATIVE_WEIGHT * mean(unit(negatives)), then unit length
    score(paper) = cosine(profile, paper)

Why a centroid with negatives rather than a classifier per reader: most readers have a handful
of positives and fewer negatives; a linear classifier on 384 dimensions would need implicit
negatives and regularisation tuned per reader, while the centroid needs no training, ranks the
whole pool for every reader with one matrix product, and a "not interested" mark pushes away
that kind of paper at once. ``python -m bench for_you`` measures it on held-out votes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

NEGATIVE_WEIGHT = 0.5


def personal_profile(
    positives: Any, negatives: Any, negative_weight: float = NEGATIVE_WEIGHT
) -> Any:
    """The reader's unit profile vector from (n, d) arrays of embeddings; None without
    positives (or when negatives cancel them exactly)."""
    if positives is None or len(positives) == 0:
        return None
    profile = _unit_rows(np.asarray(positives, dtype=np.float32)).mean(axis=0)
    if negatives is not None and len(negatives):
        negative = _unit_rows(np.asarray(negatives, dtype=np.float32)).mean(axis=0)
        profile = profile - negative_weight * negative
    norm = float(np.linalg.norm(profile))
    return None if norm == 0.0 else profile / norm


def personal_scores(profile: Any, candidates: Any) -> Any:
    """Cosine similarity of each candidate row (an (n, d) array) to the profile."""
    return _unit_rows(np.asarray(candidates, dtype=np.float32)) @ profile


def _unit_rows(matrix: Any) -> Any:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms
