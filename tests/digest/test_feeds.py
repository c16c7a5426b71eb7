"""A reader's feeds as sections of their digest, through the real SMTP sink: the papers new
since the last digest, the excluded ones absent, each mailed once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dailypapers.digest import jobs
from dailypapers.feeds import service
from dailypapers.store import feeds as feed_store
from tests.support import data


def _text(received) -> str:
    return received.message.get_body(("plain",)).get_content()


def test_each_feed_is_a_section_of_new_papers_without_the_excluded(
    db, mail_settings, sink, as_of, alice, readers
):
    readers(user=alice, content=["searches"])
    service.create(db, alice, {"name": "Language, no surveys", "categories": ["cs.CL"],
                               "query": "-survey"})  # fmt: skip
    service.create(db, alice, {"name": "Lovelace", "authors": ["Ada Lovelace"]})
    now = datetime.now(UTC)
    data.store(
        db,
        data.paper("2603.00201", "Parsing with transformers", categories=["cs.CL"],
                   authors=["Grace Hopper"], published_at=now),
        data.paper("2603.00202", "A survey of parsing", categories=["cs.CL"],
                   authors=["Grace Hopper"], published_at=now),
        data.paper("2603.00203", "Robots that walk", categories=["cs.RO"],
                   authors=["Grace Hopper"], published_at=now),
        data.paper("2603.00204", "Analytical engines", categories=["cs.AR"],
                   authors=["Ada Lovelace"], published_at=now),
    )  # fmt: skip
    jobs.run_once(db, mail_settings, as_of=as_of)
    [received] = sink.received
    text = _text(received)
    assert "YOUR FEED “LANGUAGE, NO SURVEYS”" in text and "YOUR FEED “LOVELACE”" in text
    assert "Parsing with transformers" in text and "Analytical engines" in text
    assert "A survey of parsing" not in text and "Robots that walk" not in text
    assert "2 feed papers" in received.message["Subject"]
    with db.read() as conn:
        assert {r["digest_watermark_at"] for r in feed_store.of_user(conn, alice.id)} == {as_of}
    jobs.run_once(db, mail_settings, as_of=as_of + timedelta(days=1))
    assert len(sink.received) == 1  # nothing new since: no second mail of the same papers


def test_a_feed_made_after_the_papers_mails_none_of_them(
    db, mail_settings, sink, as_of, alice, readers
):
    readers(user=alice, content=["searches"])
    data.store(db, data.paper("2603.00301", "Old news", categories=["cs.CL"]))
    service.create(db, alice, {"name": "Language", "categories": ["cs.CL"]})
    jobs.run_once(db, mail_settings, as_of=as_of)
    assert sink.received == []
