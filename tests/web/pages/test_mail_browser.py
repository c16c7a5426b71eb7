"""The mails a person waits for at the screen, in a real browser against the site as ``serve``
composes it (the web app with its mail job): the confirmation of a subscription, the
verification of a new account's address and a password reset each reach a real SMTP server on
loopback moments after the click. Each test prints the time it measured; the time is asserted
only against a generous bound (bench/mail.py measures p50/p95 properly)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from dailypapers import background
from dailypapers.accounts import mail as account_mail
from dailypapers.cli import serve
from dailypapers.web.app import create_app
from tests.support import browser as browser_support
from tests.support import data, digests

ARRIVAL_TIMEOUT = 15.0  # generous, for a loaded machine: what the tests print is the measure


@pytest.fixture
def site(db, mail_settings) -> Iterator[str]:
    """The site with the background jobs ``serve`` runs for mail, on a live port."""
    settings = mail_settings.model_copy(update={"jobs": ["digest"]})
    runner = background.Runner(serve.background_jobs(db, settings))
    with browser_support.serve(serve.with_jobs(create_app(settings, db), runner)) as base_url:
        yield base_url


@pytest.fixture
def tab(browser, site):
    context = browser.new_context(base_url=site)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _seconds_to_mail(sink, address: str, subject: str, click) -> float:
    clicked = time.monotonic()
    click()
    seconds = digests.arrival(sink, address, clicked, subject, ARRIVAL_TIMEOUT)
    print(f"\n{subject}: click to SMTP {seconds * 1000:.0f} ms")
    return seconds


def _link_in(sink, address: str, kind: account_mail.Kind) -> str:
    """The path of the ``kind`` link in the newest such mail to ``address``."""
    mails = [m for m in digests.mails_to(sink, address) if m.message["Subject"] == kind.subject]
    body = mails[-1].message.get_body(("plain",)).get_content()
    return urlsplit(re.search(rf"https?://\S+{re.escape(kind.path)}\S+", body)[0]).path


def test_a_subscription_confirmation_arrives_moments_after_the_click(tab, sink):
    tab.goto("/subscribe")
    tab.fill("input[name=email]", "dave@example.org")
    _seconds_to_mail(
        sink,
        "dave@example.org",
        digests.CONFIRM_SUBJECT,
        lambda: tab.click("main form button[type=submit]"),
    )


def test_a_new_accounts_verification_arrives_moments_after_signing_up(tab, sink):
    tab.goto("/signup")
    tab.fill("#username", "erin")
    tab.fill("#email", "erin@example.org")
    tab.fill("#password", data.PASSWORD)
    subject = account_mail.VERIFY.subject
    _seconds_to_mail(sink, "erin@example.org", subject, lambda: tab.click("text=Create account"))
    tab.goto(_link_in(sink, "erin@example.org", account_mail.VERIFY))
    tab.click("text=Confirm my address")
    assert "erin@example.org is verified for erin" in tab.inner_text("main")


def test_a_password_reset_arrives_moments_after_asking_and_its_link_sets_the_password(
    tab, sink, alice
):
    tab.goto("/account/reset")
    tab.fill("#email", alice.email)
    subject = account_mail.RESET.subject
    _seconds_to_mail(sink, alice.email, subject, lambda: tab.click("text=Send the link"))
    tab.goto(_link_in(sink, alice.email, account_mail.RESET))
    tab.fill("#new-password", "a brand new passphrase for alice")
    tab.fill("#repeated", "a brand new passphrase for alice")
    tab.click("text=Set the password")
    tab.goto("/signin")
    tab.fill("input[name=login]", "alice")
    tab.fill("input[name=password]", "a brand new passphrase for alice")
    tab.click("main form button[type=submit]")
    tab.wait_for_url(lambda url: "/signin" not in url)
