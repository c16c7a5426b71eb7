"""Claiming an author name in Debian's Chromium: alice says "This is me", carol approves it on
the admins' page, and the author's page names alice for a reader signed out."""

from __future__ import annotations

import pytest

from tests.support import data

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.store("feed")]


def _sign_in(page, user) -> None:
    page.goto("/signin")
    page.fill("#login", user.username)
    page.fill("#password", data.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def test_alice_claims_a_name_that_carol_approves(page, db, alice, carol):
    data.admin(db, carol)
    _sign_in(page, alice)
    page.goto("/authors/Ceyuan%20Yang")
    page.get_by_role("button", name="This is me").click()
    page.wait_for_url("**/authors/Ceyuan%20Yang")
    assert "waiting for an admin" in page.locator(".author-claim").inner_text()

    page.context.clear_cookies()
    _sign_in(page, carol)
    page.goto("/admin/claims")
    page.get_by_role("button", name="Approve alice as Ceyuan Yang").click()
    page.wait_for_url("**/admin/claims")
    assert "No claim is waiting" in page.inner_text("main")

    page.context.clear_cookies()
    page.goto("/authors/Ceyuan%20Yang")
    page.locator(".author-claim").get_by_role("link", name="alice").click()
    page.wait_for_url("**/users/alice")
    assert "Ceyuan Yang" in page.locator("#authored-h").locator("..").inner_text()
    assert page.console_errors == [] and page.dialogs == []
