"""The reader's profile: pure vector arithmetic over embeddings."""

from __future__ import annotations

import numpy as np

from dailypapers.digest import recommend


def test_the_personal_profile_prefers_what_was_liked_and_avoids_what_was_not():
    liked = np.array([[1.0, 0.1, 0.0], [0.9, 0.0, 0.1]])
    disliked = np.array([[0.0, 1.0, 0.0]])
    candidates = np.array([[1.0, 0.0, 0.0], [0.7, 0.7, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    profile = recommend.personal_profile(liked, disliked)
    assert abs(float(np.linalg.norm(profile)) - 1.0) < 1e-6
    scores = recommend.personal_scores(profile, candidates)
    assert list(np.argsort(-scores)) == [0, 1, 3, 2]
    without_negatives = recommend.personal_scores(
        recommend.personal_profile(liked, None), candidates
    )
    assert without_negatives[2] > scores[2]  # the "not interested" mark pushed it down
    assert recommend.personal_profile(np.zeros((0, 3)), disliked) is None
