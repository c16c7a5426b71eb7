"""Trending and recommendation scores: pure functions of their inputs (and an explicit clock).

Two sections, each owned by the issue that wrote it; nothing here touches the database.
"""

from __future__ import annotations

from datetime import datetime

import numpy as _np

# == trending ====================================================================================
# Written by the digest issue (5) because the site's ranking (issue 3) had not landed yet; when
# both exist, keep one formula (the site owns it) and have digest/candidates.py call that one.
#
# score = votes / (age_hours + OFFSET) ** GRAVITY
#
# A paper's votes are the upstream count plus local votes; its age runs from when it entered the
# feed. The power of age (Hacker News' "gravity") decays quickly: to rank level with a brand-new
# paper, one 6 h old needs 8x its votes and one 24 h old 47x ((24 + 2) / 2) ** 1.5). Upvotes on
# the feed accrue mostly in the first day, so the list moves every day, yet a paper with far more
# votes than its peers stays up for a few days. OFFSET keeps a brand-new paper from dividing by ~0.
TRENDING_GRAVITY = 1.5
TRENDING_OFFSET_HOURS = 2.0


def trending_score(votes: int, entered_at: datetime, now: datetime) -> float:
    """The time-decayed vote score of a paper that entered the feed at ``entered_at``.

    Both datetimes must be timezone-aware. A paper from the future (clock skew) counts as new.
    """
    age_hours = max((now - entered_at).total_seconds() / 3600.0, 0.0)
    return max(votes, 0) / (age_hours + TRENDING_OFFSET_HOURS) ** TRENDING_GRAVITY


# == recommendation ==============================================================================
# (issue 5, phase 2: the personal "for you" model goes here)
# Written by the digest issue (5). A reader's taste is learned from the embeddings of the papers
# they upvoted or saved (positives) and marked "not interested" (negatives), Rocchio-style:
#
#   profile = mean(positives) - NEGATIVE_WEIGHT * mean(negatives)      (then unit length)
#   score(paper) = cosine(profile, paper)
#
# Why a centroid with negatives rather than a classifier per reader: most readers have a handful
# of positives and fewer negatives; a linear classifier on 384 dimensions would need implicit
# negatives and regularisation tuned per reader, while the centroid needs no training, ranks the
# whole pool for every reader with one matrix product, and a "not interested" mark pushes away
# exactly that kind of paper at once. (bench/digest.py measures its quality on held-out votes.)
NEGATIVE_WEIGHT = 0.5


def personal_profile(positives, negatives, negative_weight: float = NEGATIVE_WEIGHT):  # noqa: ANN001, ANN201
    """The reader's unit profile vector from (n, d) matrices of embeddings, or None without
    positives."""
    if positives is None or len(positives) == 0:
        return None
    profile = _unit(_np.asarray(positives, dtype=_np.float32)).mean(axis=0)
    if negatives is not None and len(negatives):
        profile = profile - negative_weight * _unit(
            _np.asarray(negatives, dtype=_np.float32)).mean(axis=0)
    norm = float(_np.linalg.norm(profile))
    return None if norm == 0.0 else profile / norm


def personal_scores(profile, candidates):  # noqa: ANN001, ANN201
    """Cosine similarity of each candidate row to the profile (higher is better)."""
    matrix = _unit(_np.asarray(candidates, dtype=_np.float32))
    return matrix @ profile


def _unit(matrix):  # noqa: ANN001, ANN202
    norms = _np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms
