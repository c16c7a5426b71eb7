"""The site in Debian's Chromium, as a new reader and contributor would use it.

A few end-to-end journeys against the real app (``live_server``) on both backends; the many
non-visual error paths are covered over plain HTTP in the other test files.
"""

from __future__ import annotations

import re

import pytest

from dailypapers.papers import discussion
from tests.support.corpora import HOSTILE_ID, UNLISTED_ID
from tests.support.data import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.store("feed")]


def expect_url(page, path: str) -> None:
    page.wait_for_url(re.compile(re.escape(path) + r"(#.*)?$"))


def mark_document(page) -> None:
    """Tag the loaded document, to tell later whether the page was reloaded."""
    page.evaluate("window.__stillHere = true")


def not_reloaded(page) -> bool:
    return page.evaluate("window.__stillHere === true")


def test_a_reader_moves_between_days_weeks_months_and_trending_and_opens_a_paper(page, db):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Daily papers"
    assert "Monday, Jun 16, 2025" in page.locator(".subheading").inner_text()
    page.keyboard.press("Tab")  # keyboard users land on the skip link first
    assert page.evaluate("document.activeElement.className") == "skip-link"

    page.get_by_role("link", name="Jun 13, 2025").click()  # the weekend is skipped
    expect_url(page, "/papers/date/2025-06-13")
    page.locator("a[rel=prev]").click()
    expect_url(page, "/papers/date/2025-06-12")
    page.fill("#jump-date", "2025-06-10")
    page.get_by_role("button", name="Go").click()
    expect_url(page, "/papers/date/2025-06-10")
    assert page.locator(".cards > li").count() == 28

    page.get_by_role("link", name="Weekly").click()
    expect_url(page, "/papers/week/2025-W24")
    page.get_by_role("link", name="Page 2 →").click()
    expect_url(page, "/papers/week/2025-W24?page=2")
    page.locator(".tabs").get_by_role("link", name="Monthly").click()
    expect_url(page, "/papers/month/2025-06")
    assert "June 2025" in page.locator(".subheading").inner_text()
    page.locator(".tabs").get_by_role("link", name="Trending").click()
    expect_url(page, "/papers/trending")
    assert page.locator(".cards > li").count() > 10

    page.goto("/papers/date/2025-06-10")
    first = page.locator(".cards > li").first
    abstract = first.locator("details.abstract")
    assert abstract.get_attribute("open") is None
    abstract.locator("summary").click()
    assert abstract.get_attribute("open") is not None
    assert abstract.locator("p").first.is_visible()
    first.locator(".card-title a").click()
    expect_url(page, "/papers/2506.08007")
    assert page.locator("h1").inner_text() == "Reinforcement Pre-Training"
    assert "#1 of 28" in page.locator(".paper-facts").inner_text()
    assert page.console_errors == []


def test_latex_renders_and_html_stays_text_in_titles_and_abstracts(page, db):
    page.goto(f"/papers/{HOSTILE_ID}")
    title = page.locator("h1")
    title.locator(".katex").first.wait_for()  # KaTeX, served locally, drew $O(n^2)$
    assert "<script>alert('title')</script>" in title.inner_text()
    assert page.locator(".abstract-full .katex").count() == 1
    assert page.locator("h1 img, .abstract-full b").count() == 0
    page.goto("/papers/date/2025-06-16")
    page.locator(".card-title .katex").first.wait_for()
    assert page.dialogs == [] and page.console_errors == []


def test_a_new_user_signs_up_submits_upvotes_comments_replies_and_signs_out(page, db):
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.fill("#username", "alice")
    page.fill("#email", "alice@example.com")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect_url(page, "/")
    assert page.locator(".account-name").inner_text() == "alice"

    page.get_by_role("button", name="Sign out").click()
    page.locator(".account").get_by_role("link", name="Sign in").click()
    page.fill("#login", "alice")
    page.fill("#password", PASSWORD)
    page.locator("form.stack").get_by_role("button", name="Sign in").click()
    assert page.locator(".account-name").inner_text() == "alice"

    page.locator(".site-nav").get_by_role("link", name="Submit").click()
    page.fill("#paper", f"https://arxiv.org/abs/{UNLISTED_ID}v1")
    page.get_by_role("button", name="Submit to today’s feed").click()
    expect_url(page, f"/papers/{UNLISTED_ID}?submitted=1")
    assert "in today’s feed" in page.locator(".notice").inner_text()

    mark_document(page)
    vote = page.locator("button.vote")
    assert vote.locator(".count").inner_text() == "0"
    vote.click()
    page.locator("button.vote[aria-pressed=true]").wait_for()
    assert page.locator("button.vote .count").inner_text() == "1" and not_reloaded(page)

    page.fill("#comment-form-body", "Nice **work**; how does it *scale*?")
    page.get_by_role("button", name="Comment", exact=True).click()
    comment = page.locator("#comment-list > li.comment").first
    comment.wait_for()
    assert comment.locator(".comment-body strong").inner_text() == "work"
    assert page.locator("#comment-count").inner_text() == "1 comment"
    assert page.input_value("#comment-form-body") == "" and not_reloaded(page)

    comment.locator("details.reply summary").click()
    comment.locator("textarea").fill("Answering myself: linearly.")
    comment.get_by_role("button", name="Reply").click()
    comment.locator(".replies > li.comment").wait_for()
    assert "linearly" in comment.locator(".replies").first.inner_text() and not_reloaded(page)

    page.reload()
    assert page.locator("button.vote .count").inner_text() == "1"
    assert page.locator("button.vote").get_attribute("aria-pressed") == "true"
    assert "linearly" in page.locator("#comment-list > li .replies").first.inner_text()
    assert page.locator("#comment-count").inner_text() == "2 comments"

    page.goto("/users/alice")
    assert "A Paper Nobody Submitted Yet" in page.locator("#submitted-h + ol").inner_text()
    assert "A Paper Nobody Submitted Yet" in page.locator(".compact-list").inner_text()

    page.get_by_role("button", name="Sign out").click()
    assert page.locator(".account").get_by_role("link", name="Sign in").is_visible()
    assert page.dialogs == [] and page.console_errors == []


def test_error_paths_a_reader_may_meet(page, db, bob):

    page.goto("/papers/2412.99999")
    assert page.locator("h1").inner_text() == "Paper not found"
    page.fill("#error-search", "reinforcement")
    assert page.locator("#error-search").is_visible()

    page.goto("/papers/date/2025-02-30")
    assert "YYYY-MM-DD" in page.locator(".message").inner_text()

    # Upvoting while signed out: to sign in, and back to the same card.
    page.goto("/papers/date/2025-06-10")
    page.locator(".cards > li").nth(2).locator("a.vote").click()
    page.fill("#login", "bob")
    page.fill("#password", PASSWORD)
    page.locator("form.stack").get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/papers/date/2025-06-10#p\d+$"))
    third = page.locator(".cards > li").nth(2).locator("button.vote")
    before = int(third.locator(".count").inner_text())
    third.click()
    page.locator(".cards > li").nth(2).locator("button.vote[aria-pressed=true]").wait_for()
    assert int(page.locator(".cards > li").nth(2).locator(".count").inner_text()) == before + 1

    # A bad submission is shown again with the error by the field and the text kept.
    page.goto("/submit")
    page.fill("#paper", "arxiv.org/abs/2513.00001")
    page.get_by_role("button", name="Submit to today’s feed").click()
    assert "month 13 does not exist" in page.locator("#paper-error").inner_text()
    assert page.input_value("#paper") == "arxiv.org/abs/2513.00001"

    # Script in a comment is shown as text; an empty one gets its error in place.
    page.goto("/papers/2506.08007")
    page.fill("#comment-form-body", "<script>alert('comment')</script><b>bold?</b>")
    page.get_by_role("button", name="Comment", exact=True).click()
    body = page.locator("#comment-list .comment-body").first
    body.wait_for()
    assert "<script>alert('comment')</script>" in body.inner_text()
    page.fill("#comment-form-body", "   ")
    page.locator("#comment-form").evaluate("form => form.requestSubmit()")
    page.locator("#comment-form-error").wait_for()
    assert "cannot be empty" in page.locator("#comment-form-error").inner_text()
    assert page.dialogs == []


def sign_in_to_paper(page, username: str, path: str = "/papers/2506.08007") -> None:
    """Sign in through the form a paper's actions lead to, and land back on the paper."""
    page.goto(f"/signin?next={path}")
    page.fill("#login", username)
    page.fill("#password", PASSWORD)
    page.locator("form.stack").get_by_role("button", name="Sign in").click()
    expect_url(page, path)


def test_voting_and_commenting_work_with_javascript_off(browser, live_server, db, carol):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in_to_paper(page, "carol")
        page.locator("button.vote").click()  # a plain form POST, then back here
        expect_url(page, "/papers/2506.08007")
        assert page.locator("button.vote .count").inner_text() == "98"
        page.fill("#comment-form-body", "Works without JavaScript.")
        page.get_by_role("button", name="Comment", exact=True).click()
        page.wait_for_url(re.compile(r"/papers/2506.08007#comment-\d+$"))
        assert "Works without JavaScript." in page.locator("#comment-list").inner_text()
        page.get_by_role("button", name="Delete this comment by carol").click()  # no confirm
        expect_url(page, "/papers/2506.08007#discussion")
        assert "Works without JavaScript." not in page.locator("#discussion").inner_text()
    finally:
        context.close()


def test_a_reader_deletes_their_comment_once_they_confirm_and_its_replies_stay(
    browser, live_server, db, carol, bob
):
    first = discussion.post(db, carol.id, "2506.08007", "A hasty take.")
    discussion.post(db, bob.id, "2506.08007", "A reply worth keeping.", first.id)
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    asked = []  # the first confirmation is declined, the second accepted
    page.on(
        "dialog",
        lambda dialog: (
            asked.append(dialog.message),
            dialog.dismiss() if len(asked) == 1 else dialog.accept(),
        ),
    )
    try:
        sign_in_to_paper(page, "carol")
        delete = page.get_by_role("button", name="Delete this comment by carol")
        assert page.get_by_role("button", name="Delete this comment by bob").count() == 0
        delete.click()
        assert asked == ["Delete this comment? Replies to it stay."]
        assert "A hasty take." in page.locator("#discussion").inner_text()
        delete.click()
        page.locator(".comment-deleted").wait_for()
        assert page.locator("#comment-count").inner_text() == "1 comment"
        assert "A reply worth keeping." in page.locator("#discussion").inner_text()
        page.reload()
        discussion_text = page.locator("#discussion").inner_text()
        assert (
            "A hasty take." not in discussion_text and "A reply worth keeping." in discussion_text
        )
    finally:
        context.close()


def test_pages_fit_a_360_pixel_wide_phone(browser, live_server, db):
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        for path in (
            "/papers/date/2025-06-10",
            "/papers/month/2025-06",
            "/papers/2506.08007",
            f"/papers/{HOSTILE_ID}",
            "/signup",
            "/papers/2412.99999",
        ):
            page.goto(path)
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} is {width} px wide"
    finally:
        context.close()
