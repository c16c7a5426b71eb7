"""'For you' and saved-search alerts end to end, on embeddings the real model computed for the
stored papers (``indexing.embed_pending``) and the search service."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from dailypapers.digest import account, candidates, jobs, subscriptions
from dailypapers.papers import voting
from dailypapers.recommend import feedback
from dailypapers.search import indexing
from dailypapers.store import outbox as outbox_store
from dailypapers.store import saved_searches as search_store
from tests.support import data, digests, web

# Three topics that the model keeps apart: four papers on protein folding (a), three on speech
# recognition (b: b3 says nearly what b1 says) and one on galaxy clusters (c).
ABSTRACTS = {
    "a1": "We predict protein structures from amino acid sequences with a folding model trained "
    "on the Protein Data Bank.",
    "a2": "Protein folding simulations reveal how amino acid chains reach their native "
    "three-dimensional structure.",
    "a3": "A deep network predicts the contact map and backbone angles of a protein from its "
    "amino acid sequence.",
    "a4": "We design new enzymes by predicting how mutated amino acid sequences fold into stable "
    "protein structures.",
    "b1": "We transcribe spoken audio into text with an end-to-end speech recognition model "
    "trained on podcasts.",
    "b2": "Low-resource speech recognition: transcribing spoken audio in languages with little "
    "labelled speech.",
    "b3": "We transcribe spoken audio into text with an end-to-end speech recognition model "
    "trained on audiobooks.",
    "c1": "We measure the mass of galaxy clusters with weak gravitational lensing in a deep "
    "telescope survey.",
}
ARXIV_IDS = {name: f"2603.{n + 1:05d}" for n, name in enumerate(ABSTRACTS)}
SHOWN = re.compile(r'id="t\d+"><a class="tex" href="/papers/[\d.]+">Paper (\w\d)')


@pytest.fixture
def embedded(db, settings, model_dir):
    """``embedded(at)``: the eight papers, published a day or so before ``at``, embedded by the
    model as the embed job would."""

    def store(at: datetime) -> None:
        data.store(
            db,
            *(
                data.paper(
                    ARXIV_IDS[name],
                    f"Paper {name}",
                    abstract=abstract,
                    published_at=at - timedelta(hours=30 + n),
                )
                for n, (name, abstract) in enumerate(ABSTRACTS.items())
            ),
        )
        computed = indexing.embed_pending(
            db, settings.model_copy(update={"search_model_dir": model_dir})
        )
        assert computed == len(ABSTRACTS)

    return store


def test_for_you_learns_from_votes_saves_and_not_interested_and_never_repeats(
    db, mail_settings, sink, as_of, alice, readers, embedded, monkeypatch
):
    monkeypatch.setattr(candidates, "SECTION_SIZE", 3)
    embedded(as_of)
    voting.upvote(db, alice.id, ARXIV_IDS["a1"])
    feedback.set_mark(db, alice, ARXIV_IDS["a2"], "saved")
    feedback.set_mark(db, alice, ARXIV_IDS["b1"], "not_interested")
    readers(user=alice, content=["for_you"])
    jobs.run_once(db, mail_settings, as_of=as_of)
    first = sink.received[-1].message
    text = first.get_body(("plain",)).get_content()
    order = re.findall(r"Paper (\w\d)", text)
    assert first["Subject"].startswith("3 for you")
    assert set(order[:2]) == {"a3", "a4"} and order[2] == "c1"  # liked topic, then neutral
    assert not {"a1", "a2", "b1"} & set(order)  # known or not interested: never offered
    assert text.count("Fewer like this: http") == 3  # a signed 👍/👎 link pair per pick

    jobs.run_once(db, mail_settings, as_of=as_of + timedelta(days=1))
    second = sink.received[-1].message.get_body(("plain",)).get_content()
    again = re.findall(r"Paper (\w\d)", second)
    assert again and not set(again) & set(order)  # nothing mailed before comes back
    assert again == ["b2", "b3"]  # what is left: the disliked topic, last (b3, nearest b1, last)


def test_a_saved_search_mails_its_new_matches_once(db, mail_settings, sink, as_of, alice, readers):
    [subscription] = readers(user=alice, content=["searches"])
    account.save_alert(db, alice, "sparse attention", {"mode": "keyword"})
    now = datetime.now(UTC)
    data.store(
        db,
        data.paper("2603.00101", "Sparse attention for long documents", published_at=now),
        data.paper(
            "2603.00102",
            "Dense retrieval without attention to sparsity",
            abstract="Nothing about it.",
            published_at=now,
        ),
        data.paper("2603.00103", "Protein folding", published_at=now),
    )
    jobs.run_once(db, mail_settings, as_of=as_of)
    [received] = sink.received
    text = received.message.get_body(("plain",)).get_content()
    assert 'Saved search "sparse attention"' in text
    assert "Sparse attention for long documents" in text and "Protein folding" not in text
    [alert] = account.of(db, alice).alerts
    with db.read() as conn:
        [row] = search_store.for_owner(conn, user_id=alice.id, subscription_id=None)
    assert row["id"] == alert.id and row["watermark_at"] == as_of  # moved to the digest's moment
    jobs.run_once(db, mail_settings, as_of=as_of + timedelta(days=1))
    assert len(sink.received) == 1  # no new match, nothing else wanted: no mail
    with db.read() as conn:
        rows = outbox_store.for_subscription(conn, subscription.id)
    assert [(r["kind"], r["status"]) for r in rows] == [
        ("confirmation", "sent"),
        ("digest", "sent"),
        ("digest", "empty"),
    ]


def test_it_mails_no_alert_of_an_unverified_account_to_the_address_it_claims(
    db, mail_settings, sink, as_of
):
    # An account claiming a stranger's address, linked to the stranger's subscription the way
    # links were made before addresses were verified: its alerts must not reach that inbox.
    mallory = data.person(db, "mallory", email="victim@example.org", verified=False)
    subscriptions.subscribe(db, mail_settings, "victim@example.org", user_id=mallory.id)
    jobs.send_due(db, mail_settings)
    [confirmation] = [
        m
        for m in digests.mails_to(sink, "victim@example.org")
        if m.message["Subject"] == digests.CONFIRM_SUBJECT
    ]
    subscriptions.confirm(db, mail_settings, digests.confirm_token_of(confirmation))
    account.save_alert(db, mallory, "cheap pills", {"mode": "keyword"})
    digests.yesterdays_paper(db, as_of)
    data.store(db, data.paper("2603.00201", "Cheap pills", published_at=datetime.now(UTC)))
    jobs.run_once(db, mail_settings, as_of=as_of)
    digest = digests.mails_to(sink, "victim@example.org")[-1].message
    assert "top paper" in digest["Subject"]
    assert "cheap pills" not in digest.get_body(("plain",)).get_content().lower()


def test_the_for_you_page_shows_the_same_ranking_and_takes_marks(db, alice, as_user, embedded):
    embedded(datetime.now(UTC))
    reader = as_user(alice)
    assert "they are what this list learns from" in reader.get("/for-you").text
    voting.upvote(db, alice.id, ARXIV_IDS["a1"])
    page = reader.get("/for-you").text
    shown = SHOWN.findall(page)
    assert set(shown[:3]) == {"a2", "a3", "a4"} and "a1" not in shown
    response = reader.post(
        f"/papers/{ARXIV_IDS['a3']}/mark",
        follow_redirects=False,
        data={"kind": "not_interested", "next": "/for-you", "csrf_token": web.csrf_token_of(page)},
    )
    assert response.status_code == 303
    after = SHOWN.findall(reader.get("/for-you").text)
    assert "a3" not in after and set(after[:2]) == {"a2", "a4"}
