""" "For you" on the real vectors of the ``search`` store (the session's model embedded them):
both parts, their reasons, and 👍/👎 moving the ranking."""

from __future__ import annotations

import pytest

from dailypapers.library import collections
from dailypapers.papers import catalog, voting
from dailypapers.recommend import feedback, for_you, model
from dailypapers.recommend.personal import Recommender
from dailypapers.recommend.positives import positives_of
from dailypapers.search import service

pytestmark = pytest.mark.store("search")

LIKED = ("2506.08007", "2506.07044")  # two papers of the store the reader upvotes


@pytest.fixture
def reader(db, search_settings, indexed, alice):
    """Alice, who upvoted LIKED, with the vector index snapshot written."""
    for arxiv_id in LIKED:
        voting.upvote(db, alice.id, arxiv_id)
    return alice


@pytest.fixture
def liked_titles(db) -> set[str]:
    return {" ".join(catalog.card(db, arxiv_id).title.split()) for arxiv_id in LIKED}


def test_both_parts_leave_out_what_the_reader_knows_and_say_which_paper_they_are_near(
    db, search_settings, reader, liked_titles
):
    found = for_you.for_user(db, search_settings, reader, limit=5)
    assert found.notice is None and len(found.new) == 5 and len(found.archive) == 5
    new = [r.card.arxiv_id for r in found.new]
    archive = [r.card.arxiv_id for r in found.archive]
    assert not set(new) & set(archive) and not set(LIKED) & set(new + archive)
    for item in found.new + found.archive:
        assert item.reason.endswith("which you upvoted.")
        assert any(title[:40] in item.reason for title in liked_titles), item.reason


def test_a_thumbs_down_lowers_the_papers_near_it(db, search_settings, reader):
    before = _new_scores(db, search_settings, reader)
    disliked = max(before, key=before.get)  # the reader's best recommendation, 👎'd
    feedback.record(db, reader, catalog.cards(db, [disliked])[0].arxiv_id, "disliked")
    after = _new_scores(db, search_settings, reader)
    assert disliked not in after  # judged: never offered again
    ids, vectors = service.embeddings_for(db, sorted(after))
    _, [gone] = service.embeddings_for(db, [disliked])
    closeness = dict(zip(ids, vectors @ gone, strict=True))
    near = [p for p in after if closeness[p] > model.DISLIKE_FROM]
    assert near and len(near) < len(after)
    for paper, score in after.items():  # lower by how much closer than DISLIKE_FROM they are
        expected = model.DISLIKE_WEIGHT * max(0.0, closeness[paper] - model.DISLIKE_FROM)
        assert before[paper] - score == pytest.approx(expected, abs=1e-4)


def test_a_thumbs_up_teaches_more_like_it(db, search_settings, reader):
    before = for_you.for_user(db, search_settings, reader, limit=20).new
    liked = before[-1].card  # a weak recommendation the reader likes after all
    feedback.record(db, reader, liked.arxiv_id, "liked")
    after = for_you.for_user(db, search_settings, reader, limit=20).new
    assert liked.id not in {r.card.id for r in after}
    assert any(r.reason.endswith("which you liked.") for r in after)


def test_a_library_alone_is_enough_to_recommend_from(db, search_settings, indexed, bob):
    shelf = collections.create(db, bob, {"title": "Imported from mine.bib"})
    for arxiv_id in LIKED:
        collections.add(db, bob, shelf.id, arxiv_id)
    found = for_you.for_user(db, search_settings, bob, limit=5)
    assert found.notice is None and len(found.new) == 5 and len(found.archive) == 5
    assert not set(LIKED) & {r.card.arxiv_id for r in found.new + found.archive}
    assert all(r.reason.endswith("which is in your library.") for r in found.new + found.archive)


def _new_scores(db, settings, user) -> dict[int, float]:
    """Every pool paper's score for the user, as "New for you" ranks them."""
    with db.read() as conn:
        positives = positives_of(conn, [user.id])[user.id]
        recommender = Recommender(conn, settings, for_you.moment(conn), db)
        picks = recommender.new(positives, exclude=set(positives.known), limit=10_000)
    return {p.paper_id: p.score for p in picks}
