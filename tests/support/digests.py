"""Digest test data, made as readers and the feed make it: the moment a digest is due, a paper
that entered the feed the day before, and subscribers who followed the link of their
confirmation mail (through the real SMTP sink of :mod:`tests.support.mail`)."""

from __future__ import annotations

import re
import time as clock
from datetime import UTC, datetime, time, timedelta

from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db import Database
from dailypapers.digest import account, jobs, subscriptions
from dailypapers.digest.records import Subscription
from tests.support import data
from tests.support.mail import Received, SinkHandler

CONFIRM_LINK = re.compile(r"/subscribe/confirm/([A-Za-z0-9._\-]+)")
CONFIRM_SUBJECT = "Confirm your dailypapers subscription"


def next_weekday_morning(after: datetime, weekday: int = 1, hour: int = 8) -> datetime:
    """The first ``weekday`` (0 = Monday) at ``hour`` UTC at least a day after ``after``."""
    day = (after + timedelta(days=1)).date()
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=UTC)


def yesterdays_paper(db: Database, as_of: datetime, upvotes: int = 5) -> None:
    """A paper that entered the feed the day before ``as_of``: what a daily digest then lists."""
    at = as_of - timedelta(hours=20)
    paper = data.paper("2603.00001", "Yesterday's paper", published_at=at)
    day = (as_of - timedelta(days=1)).date()
    data.store(db, data.in_feed(paper, day, upvotes=upvotes, submitted_at=at))


def confirmed(
    db: Database,
    settings: Settings,
    sink: SinkHandler,
    *emails: str,
    user: User | None = None,
    **preferences: object,
) -> list[Subscription]:
    """Subscriptions made as readers make them, double opt-in included: subscribe (an account's
    own verified address from its digest settings when ``user`` is given), get the confirmation
    mail through ``sink``, follow its link. What the sink received meanwhile (the confirmations,
    and the verification mails of the people signed up so far) is taken out of
    ``sink.received``, so a test sees only what came after."""
    if user is not None:
        assert not emails or list(emails) == [user.email]
        account.save_preferences(db, settings, user, preferences)
        emails = (user.email,)
    else:
        for email in emails:
            subscriptions.subscribe(db, settings, email, **preferences)
    jobs.send_due(db, settings)
    with sink.lock:
        received, sink.received[:] = list(sink.received), []
    made = []
    for email in emails:
        [mail] = [
            r for r in received if r.rcpt_tos == [email] and r.message["Subject"] == CONFIRM_SUBJECT
        ]
        made.append(subscriptions.confirm(db, settings, confirm_token_of(mail)))
    assert all(s.active for s in made)
    return made


def confirm_token_of(mail: Received) -> str:
    """The token of the confirmation link in a confirmation mail."""
    text = mail.message.get_body(preferencelist=("plain",)).get_content()
    return CONFIRM_LINK.search(text).group(1)


def mails_to(sink: SinkHandler, address: str) -> list[Received]:
    """What the sink received for ``address`` alone, in order of arrival."""
    with sink.lock:
        return [r for r in sink.received if r.rcpt_tos == [address]]


def arrival(sink: SinkHandler, address: str, since: float, subject: str, timeout: float) -> float:
    """Seconds from ``since`` (a ``time.monotonic()``) until the sink holds a mail to
    ``address`` whose subject is ``subject``; fails the test after ``timeout`` seconds."""
    deadline = since + timeout
    while not [m for m in mails_to(sink, address) if m.message["Subject"] == subject]:
        assert clock.monotonic() < deadline, f"no “{subject}” to {address} in {timeout} s"
        clock.sleep(0.005)
    return clock.monotonic() - since
