"""'For you' and saved-search alerts end to end, on the search issue's stored embeddings and
search service (skipped, saying so, on a tree without the search package)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from dailypapers.digest import jobs
from dailypapers.store import marks as mark_store
from dailypapers.store import outbox as outbox_store
from dailypapers.store import saved_searches as search_store
from dailypapers.store import subscriptions as subscription_store
from tests.digest.conftest import add_paper, add_user, add_vote

indexing = pytest.importorskip("dailypapers.search.indexing",
                               reason="needs the search package (issue 4)")
from dailypapers.search import embedder  # noqa: E402
from dailypapers.store import embeddings as embedding_store  # noqa: E402

TOPICS = np.eye(8, 384, dtype=np.float32)


def _papers_with_embeddings(db, at):  # noqa: ANN001
    """Four papers about topic 0, three about topic 1, one about topic 2 (ids by name)."""
    rng = np.random.default_rng(3)
    names = ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "c1"]
    ids, rows = {}, []
    with db.write() as conn:
        for n, name in enumerate(names):
            ids[name] = add_paper(conn, f"2603.{n + 1:05d}", f"Paper {name}",
                                  submitted_at=at - timedelta(hours=30 + n))
            topic = "abc".index(name[0])
            vector = TOPICS[topic] + rng.normal(0, 0.05, 384).astype(np.float32)
            rows.append({"paper_id": ids[name], "model": embedder.MODEL_NAME,
                         "content_hash": "x" * 32, "text_hash": "y" * 32,
                         "vector": embedding_store.to_bytes(vector / np.linalg.norm(vector))})
        embedding_store.save(conn, rows)
    return ids


def test_for_you_learns_from_votes_saves_and_not_interested_and_never_repeats(
        db, mail_settings, sink, as_of):
    ids = _papers_with_embeddings(db, as_of)
    now = datetime.now(UTC)
    with db.write() as conn:
        alice = add_user(conn, "alice")
        add_vote(conn, alice, ids["a1"], now)
        mark_store.set_mark(conn, alice, ids["a2"], "saved", now)
        mark_store.set_mark(conn, alice, ids["b1"], "not_interested", now)
        subscription_store.create(conn, "alice@example.org", as_of - timedelta(days=3),
                                  confirmed_at=as_of - timedelta(days=3), user_id=alice,
                                  content=["for_you"])
    settings = mail_settings.model_copy(update={"digest_for_you_count": 3})
    jobs.run_once(db, settings, as_of=as_of)
    first = sink.received[-1].message
    text = first.get_body(("plain",)).get_content()
    order = [name for name in re.findall(r"Paper (\w\d)", text)]
    assert first["Subject"].startswith("3 for you")
    assert set(order[:2]) == {"a3", "a4"} and order[2] == "c1"  # liked topic, then neutral
    assert not {"a1", "a2", "b1"} & set(order)  # known or not interested: never offered

    jobs.run_once(db, settings, as_of=as_of + timedelta(days=1))
    second = sink.received[-1].message.get_body(("plain",)).get_content()
    again = re.findall(r"Paper (\w\d)", second)
    assert again and not set(again) & set(order)  # nothing mailed before comes back
    assert again == ["b2", "b3"]  # what is left: the disliked topic, last


def test_a_saved_search_mails_its_new_matches_once(db, mail_settings, sink, as_of):
    watermark = datetime.now(UTC) - timedelta(hours=1)
    with db.write() as conn:
        alice = add_user(conn, "alice")
        subscription = subscription_store.create(
            conn, "alice@example.org", as_of - timedelta(days=3),
            confirmed_at=as_of - timedelta(days=3), user_id=alice, content=["searches"])
        search_store.add(conn, "sparse attention", {"mode": "keyword"}, watermark,
                         user_id=alice)
        add_paper(conn, "2603.00101", "Sparse attention for long documents",
                  submitted_at=datetime.now(UTC))
        add_paper(conn, "2603.00102", "Dense retrieval without attention to sparsity",
                  submitted_at=datetime.now(UTC), abstract="Nothing about it.")
        add_paper(conn, "2603.00103", "Protein folding", submitted_at=datetime.now(UTC))
    jobs.run_once(db, mail_settings, as_of=as_of)
    [received] = sink.received
    text = received.message.get_body(("plain",)).get_content()
    assert 'Saved search "sparse attention"' in text
    assert "Sparse attention for long documents" in text and "Protein folding" not in text
    with db.read() as conn:
        [alert] = search_store.for_owner(conn, user_id=alice, subscription_id=None)
    assert alert["watermark_at"] == as_of
    jobs.run_once(db, mail_settings, as_of=as_of + timedelta(days=1))
    assert len(sink.received) == 1  # no new match, nothing else wanted: no mail
    with db.read() as conn:
        statuses = [r["status"] for r in outbox_store.for_subscription(conn, subscription["id"])]
    assert statuses == ["sent", "empty"]


def test_the_for_you_page_shows_the_same_ranking_and_takes_marks(db, mail_settings, as_of):
    from dailypapers.store import users as user_store
    from dailypapers.web.app import create_app
    from tests.digest.test_account_pages import _signed_in, _token

    ids = _papers_with_embeddings(db, datetime.now(UTC))
    app = create_app(mail_settings, db)
    with _signed_in(app, "alice") as alice:
        assert "Upvote or save a few papers" in alice.get("/for-you").text
        with db.write() as conn:
            user_id = user_store.get_by_username(conn, "alice")["id"]
            add_vote(conn, user_id, ids["a1"], datetime.now(UTC))
        page = alice.get("/for-you").text
        shown = re.findall(r'id="t\d+"><a class="tex" href="/papers/[\d.]+">Paper (\w\d)', page)
        assert set(shown[:3]) == {"a2", "a3", "a4"} and "a1" not in shown
        response = alice.post("/papers/2603.00003/mark", follow_redirects=False,
                              data={"kind": "not_interested", "next": "/for-you",
                                    "csrf_token": _token(page)})
        assert response.status_code == 303
        after = re.findall(r'id="t\d+"><a class="tex" href="/papers/[\d.]+">Paper (\w\d)',
                           alice.get("/for-you").text)
        assert "a3" not in after and set(after[:2]) == {"a2", "a4"}
