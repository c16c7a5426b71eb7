"""The papers a reader watches as a section of their digest, through the real SMTP sink: a
paper that changed twice since the last digest appears once, with what changed."""

from __future__ import annotations

from datetime import timedelta

from dailypapers.digest import jobs
from dailypapers.papers import discussion
from dailypapers.watching import service
from tests.support import data


def test_a_watched_paper_that_changed_twice_is_in_the_digest_once(
    db, mail_settings, sink, as_of, alice, bob, carol, readers
):
    readers(user=alice, content=["searches"])
    data.store(db, data.paper("2603.00401", "Watched engines"))
    service.watch(db, alice, "2603.00401")
    for who in (bob, carol):
        discussion.post(db, who.id, "2603.00401", "A thought.", limits=discussion.UNLIMITED)
    jobs.run_once(db, mail_settings, as_of=as_of)
    [received] = sink.received
    text = received.message.get_body(("plain",)).get_content()
    assert "PAPERS YOU WATCH" in text and text.count("Watched engines") == 1
    assert "2 new comments" in text
    assert "1 watched paper changed" in received.message["Subject"]
    jobs.run_once(db, mail_settings, as_of=as_of + timedelta(days=1))
    assert len(sink.received) == 1  # told once: nothing new since
