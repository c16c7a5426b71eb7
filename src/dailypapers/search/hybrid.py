"""Fusing keyword and semantic rankings into one.

Hybrid search mixes the two sides' min-max normalised scores (:func:`convex`): on the bench's
collections it held or beat reciprocal rank fusion (k = 10 and 60, weighted), z-score mixing
and CombMNZ (``python -m bench fusion`` runs them all with ranx beside ours). Scores keep what
ranks throw away: a rare word's paper far above every other in BM25, or a paraphrase's paper
far above in cosine, stays first after fusion instead of being averaged with the other side's
opinion. :func:`exact_first` then keeps what the reader typed exactly on top.
"""

from __future__ import annotations

from collections.abc import Sequence


def convex(
    scored: Sequence[Sequence[tuple[int, float]]], *, weights: Sequence[float]
) -> list[tuple[int, float]]:
    """Weighted sum of min-max normalised scores (a missing id scores 0 in that list)."""
    totals: dict[int, float] = {}
    for hits, weight in zip(scored, weights, strict=True):
        if not hits:
            continue
        values = [s for _, s in hits]
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        for paper_id, score in hits:
            totals[paper_id] = totals.get(paper_id, 0.0) + weight * (score - low) / span
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def exact_first(ranked: Sequence[tuple[int, float]], exact: set[int]) -> list[tuple[int, float]]:
    """``ranked`` with the ``exact`` ids moved to the front, each part keeping its order."""
    if not exact:
        return list(ranked)
    return [h for h in ranked if h[0] in exact] + [h for h in ranked if h[0] not in exact]
