"""Fixtures of the digest tests: the moment a digest is due, and readers who subscribed and
followed the link of their confirmation mail (the root ``sink`` and ``mail_settings`` carry the
mail)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest

from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db import Database
from dailypapers.digest import account, jobs, subscriptions
from dailypapers.digest.records import Subscription
from tests.support.mail import SinkHandler

CONFIRM_LINK = re.compile(r"/subscribe/confirm/([A-Za-z0-9._\-]+)")


def next_weekday_morning(after: datetime, weekday: int = 1, hour: int = 8) -> datetime:
    """The first ``weekday`` (0 = Monday) at ``hour`` UTC at least a day after ``after``."""
    day = (after + timedelta(days=1)).date()
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=UTC)


@pytest.fixture
def as_of() -> datetime:
    """A Tuesday 08:00 UTC in the future: a daily 07:00 UTC digest is due, covering Monday.

    Being in the future, it comes after anything a test does now: a subscription confirmed, a
    vote cast or a paper stored now is there by then (digests count what was there at their
    moment)."""
    return next_weekday_morning(datetime.now(UTC))


Readers = Callable[..., list[Subscription]]


@pytest.fixture
def readers(db: Database, mail_settings: Settings, sink: SinkHandler) -> Readers:
    """``readers("a@example.org", ..., user=alice, **preferences)``: subscriptions made as
    readers make them, double opt-in included: subscribe (an account's own address from its
    digest settings when ``user`` is given), get the confirmation mail through the sink, follow
    its link. The confirmation mails are taken out of ``sink.received``, so a test sees only
    what came after."""

    def make(*emails: str, user: User | None = None, **preferences: object) -> list[Subscription]:
        if user is not None:
            assert not emails or list(emails) == [user.email]
            account.save_preferences(db, mail_settings, user, preferences)
            emails = (user.email,)
        else:
            for email in emails:
                subscriptions.subscribe(db, mail_settings, email, **preferences)
        jobs.send_due(db, mail_settings)
        confirmed = []
        for email in emails:
            [mail] = [
                r
                for r in sink.received
                if r.rcpt_tos == [email]
                and r.message["Subject"] == "Confirm your dailypapers subscription"
            ]
            text = mail.message.get_body(preferencelist=("plain",)).get_content()
            confirmed.append(
                subscriptions.confirm(db, mail_settings, CONFIRM_LINK.search(text).group(1))
            )
            with sink.lock:
                sink.received.remove(mail)
        assert all(s.active for s in confirmed)
        return confirmed

    return make
