"""Verifying an address by its mailed link: once, in time, and for one account only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dailypapers.accounts import quotas, verification
from tests.support import data
from tests.support.data import SITE


def test_it_verifies_the_address_once_by_its_link(db):
    dave = data.person(db, "dave", verified=False)
    secret = data.token_of(data.mailed_links(db, dave)[-1])
    assert verification.pending(db, secret) == "dave@example.org"
    assert verification.verify(db, secret).email_verified
    with pytest.raises(verification.LinkNotUsable):
        verification.verify(db, secret)
    with pytest.raises(verification.LinkNotUsable):
        verification.pending(db, secret)


def test_it_refuses_a_verification_link_after_two_days(db):
    dave = data.person(db, "dave", verified=False)
    secret = data.token_of(data.mailed_links(db, dave)[-1])
    later = datetime.now(UTC) + timedelta(hours=48, minutes=1)
    with pytest.raises(verification.LinkNotUsable):
        verification.verify(db, secret, now=later)


def test_it_refuses_a_link_that_is_not_ours(db, alice):
    with pytest.raises(verification.LinkNotUsable):
        verification.verify(db, "not-a-token")


def test_it_resends_a_link_a_few_times_an_hour(db):
    dave = data.person(db, "dave", verified=False)
    now = datetime.now(UTC)
    for _ in range(2):  # the sign-up's own mail and two more
        verification.resend(db, SITE, dave, now)
    with pytest.raises(quotas.Exceeded):
        verification.resend(db, SITE, dave, now)
    assert len(data.mailed_links(db, dave)) == 3
    verification.verify(db, data.token_of(data.mailed_links(db, dave)[0]))  # any of them works
    with pytest.raises(verification.AlreadyVerified):
        verification.resend(db, SITE, dave, now + timedelta(hours=2))
