"""The search page in Debian's Chromium: from the header's box to highlighted results, an upvote
on a result without a reload, and the page on a 360 px phone (one lean journey; the rest of the
page is tested over HTTP in test_search.py)."""

from __future__ import annotations

import re

import pytest

from dailypapers.web.app import create_app
from tests.support.data import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.store("search")]


@pytest.fixture
def app(search_settings, indexed):
    """The live server's app with the session's embedding model and the corpus's index."""
    return create_app(search_settings, indexed)


def test_a_reader_searches_from_the_header_and_upvotes_a_result_in_place(page, bob):
    page.goto("/signin?next=/")
    page.fill("#login", "bob")
    page.fill("#password", PASSWORD)
    page.locator("form.stack").get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))

    page.fill("#site-search", "reinforcement pre-training")
    page.press("#site-search", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=reinforcement\+pre-training$"))
    first = page.locator(".search-results > li").first
    assert first.locator(".card-title").inner_text() == "Reinforcement Pre-Training"
    assert first.locator(".card-title mark").all_inner_texts() == [
        "Reinforcement",
        "Pre",
        "Training",
    ]
    assert page.locator(".search-results mark").count() > 3
    assert page.input_value("#search-q") == "reinforcement pre-training"

    page.evaluate("window.__stillHere = true")
    vote = first.locator("button.vote")
    before = int(vote.locator(".count").inner_text().replace(",", ""))
    vote.click()
    first.locator("button.vote[aria-pressed=true]").wait_for()
    after = int(first.locator("button.vote .count").inner_text().replace(",", ""))
    assert after == before + 1
    assert page.evaluate("window.__stillHere === true")  # swapped in, not reloaded

    # The page, its filters open and the tips, fit a 360 px phone.
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/search?q=language+models&category=cs.CL&sort=newest", "/search"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide"
    assert page.console_errors == [] and page.dialogs == []
