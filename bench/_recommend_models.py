"""The candidate "for you" models ``python -m bench recommend`` compares, each one function.

Every model scores a day's papers for one reader: ``model(library, ages, likes, dislikes, day)``
with ``library`` the (n, d) unit embeddings of the reader's papers, ``ages`` their age in days
on the ranked day, ``likes``/``dislikes`` the (k, d) embeddings of explicit 👍/👎 (possibly
empty) and ``day`` the (m, d) embeddings of the day's papers; it returns (m,) scores, higher is
better. The model the site uses is :mod:`dailypapers.recommend.model`, measured here as well.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dailypapers.recommend import model as chosen

Model = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]

HALF_LIFE_DAYS = 90.0  # recency weighting: a library paper a season old counts half
DISLIKE_WEIGHT = 0.5  # how far a 👎 pushes its neighbours down, in cosine units
SITE = "site model (dailypapers.recommend)"


def _with_likes(library: np.ndarray, ages: np.ndarray, likes: np.ndarray):
    if len(likes) == 0:
        return library, ages
    return np.vstack([library, likes]), np.concatenate([ages, np.zeros(len(likes))])


def _dislike_penalty(dislikes: np.ndarray, day: np.ndarray) -> np.ndarray | float:
    if len(dislikes) == 0:
        return 0.0
    return DISLIKE_WEIGHT * (day @ dislikes.T).max(axis=1)


def rocchio_profile(positives: np.ndarray, negatives: np.ndarray | None) -> np.ndarray | None:
    """The model the site had: mean(unit(positives)) - 0.5 * mean(unit(negatives)), unit."""
    if positives is None or len(positives) == 0:
        return None
    profile = _unit_rows(np.asarray(positives, dtype=np.float32)).mean(axis=0)
    if negatives is not None and len(negatives):
        profile = profile - 0.5 * _unit_rows(np.asarray(negatives, dtype=np.float32)).mean(axis=0)
    norm = float(np.linalg.norm(profile))
    return None if norm == 0.0 else profile / norm


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def centroid(library, ages, likes, dislikes, day):
    """The baseline: the Rocchio profile (positives minus half the negatives' mean)."""
    positives, _ = _with_likes(library, ages, likes)
    profile = rocchio_profile(positives, dislikes if len(dislikes) else None)
    return _unit_rows(np.asarray(day, dtype=np.float32)) @ profile


def centroid_recent(library, ages, likes, dislikes, day):
    positives, ages = _with_likes(library, ages, likes)
    weights = 0.5 ** (ages / HALF_LIFE_DAYS)
    profile = (positives * weights[:, None]).sum(axis=0)
    profile /= max(float(np.linalg.norm(profile)), 1e-12)
    return day @ profile - _dislike_penalty(dislikes, day)


def knn(top: int, recency: bool = False) -> Model:
    """The mean of the ``top`` highest cosines to library items (``top=1``: the nearest one)."""

    def score(library, ages, likes, dislikes, day):
        positives, ages = _with_likes(library, ages, likes)
        similarities = day @ positives.T
        if recency:
            similarities = similarities * (0.75 + 0.25 * 0.5 ** (ages / HALF_LIFE_DAYS))
        k = min(top, similarities.shape[1])
        best = np.partition(similarities, -k, axis=1)[:, -k:]
        return best.mean(axis=1) - _dislike_penalty(dislikes, day)

    return score


def linear(kind: str, c: float) -> Model:
    """A classifier per reader, arxiv-sanity-lite style: the library (and 👍) are the positives,
    the day's other papers the negatives (with 👎 counted as negatives five times)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    def score(library, ages, likes, dislikes, day):
        positives, _ = _with_likes(library, ages, likes)
        x = np.vstack([positives, day, dislikes]) if len(dislikes) else np.vstack([positives, day])
        y = np.r_[np.ones(len(positives)), np.zeros(len(day) + len(dislikes))]
        weight = np.r_[np.ones(len(positives) + len(day)), np.full(len(dislikes), 5.0)]
        if kind == "svm":
            classifier = LinearSVC(C=c, class_weight="balanced", tol=1e-4, max_iter=2000)
        else:
            classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=300)
        classifier.fit(x, y, sample_weight=weight)
        return classifier.decision_function(day)

    return score


def mix(*parts: tuple[Model, float]) -> Model:
    """A weighted sum of the parts' scores, each standardised over the day first."""

    def score(library, ages, likes, dislikes, day):
        total = np.zeros(len(day))
        for model, weight in parts:
            s = model(library, ages, likes, dislikes, day)
            total += weight * (s - s.mean()) / max(float(s.std()), 1e-9)
        return total

    return score


def candidates() -> dict[str, Model]:
    def site(library, ages, likes, dislikes, day):
        taste = chosen.Taste(np.vstack([library, likes]) if len(likes) else library, dislikes)
        return chosen.rank(taste, day, chosen.hubness(day), day).scores

    return {
        "centroid (today, baseline)": centroid,
        "centroid, recency-weighted": centroid_recent,
        "kNN max (nearest library paper)": knn(1),
        "kNN mean of top 3": knn(3),
        "kNN mean of top 3, recency": knn(3, recency=True),
        "kNN mean of top 5": knn(5),
        "logistic regression, C=1": linear("logistic", 1.0),
        "linear SVM, C=0.1": linear("svm", 0.1),
        "linear SVM, C=1": linear("svm", 1.0),
        "mix: kNN top 3 + centroid": mix((knn(3), 1.0), (centroid, 1.0)),
        "mix: kNN top 3 + SVM C=0.1": mix((knn(3), 1.0), (linear("svm", 0.1), 1.0)),
        SITE: site,
    }
