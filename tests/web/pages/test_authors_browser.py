"""An author's page in Debian's Chromium: reached from a card and from a paper page."""

from __future__ import annotations

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.store("feed")]


def test_a_reader_follows_an_author_from_a_card_to_their_page_and_on(page):
    page.goto("/papers/date/2025-06-10")
    page.locator("#p" + page.locator(".card").first.get_attribute("id")[1:]).get_by_role(
        "link", name="Li Dong", exact=True
    ).click()
    page.wait_for_url("**/authors/Li%20Dong")
    assert page.locator("h1").inner_text() == "Li Dong"
    assert page.locator(".card").count() == 2
    if os.environ.get("DAILYPAPERS_SCREENSHOTS"):
        page.screenshot(path=os.environ["DAILYPAPERS_SCREENSHOTS"], full_page=True)
    # A paper of theirs, whose page links every author.
    page.get_by_role("link", name="Reinforcement Pre-Training").click()
    page.locator(".paper-authors").get_by_role("link", name="Furu Wei").click()
    page.wait_for_url("**/authors/Furu%20Wei")
    assert page.locator("h1").inner_text() == "Furu Wei"
    assert page.console_errors == [] and page.dialogs == []
