"""The search page in Debian's Chromium: from the header's box to highlighted results, an upvote
on a result without a reload, and the page on a 360 px phone (one lean journey; the rest of the
page is tested over HTTP in test_search_page.py)."""

from __future__ import annotations

import re

import pytest

from dailypapers.accounts import registration as accounts
from tests.support.data import PASSWORD
from tests.site.test_browser import CHROMIUM_ARGS

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(settings, model_dir):
    """The live server's settings with the session's embedding model (as search_settings)."""
    return settings.model_copy(update={
        "search_model_dir": model_dir, "search_refresh_interval": 0.0,
        "search_embed_interval": 0.0,
    })


def test_a_reader_searches_from_the_header_and_upvotes_a_result_in_place(corpus_db, live_server):
    playwright_api = pytest.importorskip("playwright.sync_api")
    accounts.sign_up(corpus_db, "bob", "bob@example.com", PASSWORD)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server,
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: message.type == "error"
                and errors.append(message.text))
        try:
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
                "Reinforcement", "Pre", "Training"]
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
            assert errors == []
        finally:
            context.close()
            browser.close()
