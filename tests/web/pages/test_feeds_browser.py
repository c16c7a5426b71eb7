"""Feeds in Debian's Chromium, the acceptance test of following: a new reader follows an author
from a card and a category minus a word, sees both feeds on their page; after the import of a
later day, the new matching papers are on the feed page, in its Atom feed (feedparser) and in
the next digest (the real SMTP sink), and the excluded ones are not."""

from __future__ import annotations

import re

import feedparser
import pytest

from dailypapers.digest import jobs
from dailypapers.ingest import importer
from tests.support import categories as listed
from tests.support import corpora, data

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.store("feed")]

LATER_DAY = "2025-06-17"  # the arXiv listing of the day after the feed's last
LU_MA_LATER = "2506.12609"  # Lu Ma's paper of that day
BENCHMARKING = "2506.12577"  # "OneEval: Benchmarking LLM ...", cs.CL: left out by the word


def _shown(page) -> set[str]:
    hrefs = page.locator(".card-title a").evaluate_all("links => links.map(a => a.pathname)")
    return {href.rsplit("/", 1)[1] for href in hrefs}


def test_a_reader_follows_an_author_and_a_category_minus_a_word_and_gets_what_comes_later(
    page, db, tmp_path, alice, readers, mail_settings, sink, as_of
):
    listed.listed_feed(db, tmp_path)  # the feed's papers with their real arXiv categories
    [subscription] = readers(user=alice, content=["searches"])
    page.goto("/signin")
    page.fill("#login", alice.username)
    page.fill("#password", data.PASSWORD)
    page.locator("form.stack").get_by_role("button", name="Sign in").click()

    page.goto("/papers/date/2025-06-10")
    card = page.locator(".card", has=page.locator('a[href="/papers/2506.07527"]'))
    card.get_by_role("link", name="Lu Ma", exact=True).click()
    page.get_by_role("button", name="Follow Lu Ma").click()
    page.wait_for_url(re.compile(r"/following/\d+$"))
    author_feed = page.url
    assert page.locator("h1").inner_text() == "Lu Ma" and "2506.07527" in _shown(page)

    page.goto("/categories/cs.CL")
    page.fill("#follow-without", "benchmark")
    page.get_by_role("button", name="Follow cs.CL").click()
    page.wait_for_url(re.compile(r"/following/\d+$"))
    category_feed = page.url
    assert "-benchmark" in page.locator(".feed-definition").inner_text()

    page.locator(".site-nav").get_by_role("link", name="Feeds").click()
    names = page.locator(".feed-list .feed-name").all_inner_texts()
    assert names == ["Lu Ma", "cs.CL · Computation and Language"]

    summary = importer.import_paths(db, [corpora.listing_file(LATER_DAY)])
    assert summary.rejected == 0 and summary.new > 100

    page.goto(author_feed)
    assert LU_MA_LATER in _shown(page)
    page.goto(category_feed)
    new_in_category = _shown(page)
    assert new_in_category and BENCHMARKING not in new_in_category
    atom_href = page.get_by_role("link", name="Atom").get_attribute("href")
    atom = feedparser.parse(page.request.get(atom_href).body())
    assert not atom.bozo
    in_atom = {entry.link.rsplit("/", 1)[1] for entry in atom.entries}
    assert new_in_category <= in_atom and BENCHMARKING not in in_atom

    jobs.run_once(db, mail_settings, as_of=as_of)
    [digest] = [m for m in sink.received if m.rcpt_tos == [subscription.email]]
    text = digest.message.get_body(("plain",)).get_content()
    assert "YOUR FEED “LU MA”" in text and f"/papers/{LU_MA_LATER}" in text
    assert "YOUR FEED “CS.CL · COMPUTATION AND LANGUAGE”" in text
    assert f"/papers/{BENCHMARKING}" not in text
    assert page.console_errors == [] and page.dialogs == []
