"""Signing in, and its throttling: wrong passwords for one login, or from one address, make
signing in wait (with a fixed clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dailypapers.accounts import signin, throttle
from dailypapers.accounts.throttle import SignInLimits
from tests.support.data import PASSWORD

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
LIMITS = SignInLimits(per_login=3, per_address=5, window=timedelta(minutes=15))


@pytest.fixture
def accounts_db(db, alice, bob):
    return db


def _try(
    db,
    login: str,
    password: str,
    minutes: float = 0,
    address: str = "192.0.2.1",
    limits: SignInLimits = LIMITS,
):
    return signin.authenticate(
        db, login, password, address=address, limits=limits, now=T0 + timedelta(minutes=minutes)
    )


def test_it_refuses_even_the_right_password_after_too_many_wrong_ones(accounts_db):
    for minute in range(3):
        assert _try(accounts_db, "alice", "guess", minute) is None
    with pytest.raises(throttle.Throttled) as raised:
        _try(accounts_db, "alice", PASSWORD, 3)
    # The oldest failure (minute 0) ages out at minute 15: 12 minutes from minute 3.
    assert raised.value.retry_after == 12 * 60
    assert "Try again in 12 minutes" in str(raised.value)
    with pytest.raises(throttle.Throttled):
        _try(accounts_db, "ALICE ", PASSWORD, 14.9)  # the login as typed, any case
    assert _try(accounts_db, "alice", PASSWORD, 15).username == "alice"


def test_a_correct_password_clears_the_logins_failures(accounts_db):
    for minute in range(2):
        _try(accounts_db, "alice", "guess", minute)
    assert _try(accounts_db, "alice", PASSWORD, 2) is not None
    for minute in range(2):  # two more would have been the third and fourth
        assert _try(accounts_db, "alice", "guess", 3 + minute) is None
    assert _try(accounts_db, "alice", PASSWORD, 5) is not None


def test_it_counts_a_login_that_names_no_account_the_same_way(accounts_db):
    for minute in range(3):
        assert _try(accounts_db, "mallory", "guess", minute) is None
    with pytest.raises(throttle.Throttled):
        _try(accounts_db, "mallory", "guess", 3)


def test_it_slows_one_address_guessing_many_accounts(accounts_db):
    for minute, login in enumerate(["alice", "bob", "carol", "dave", "erin"]):
        assert _try(accounts_db, login, "guess", minute) is None
    with pytest.raises(throttle.Throttled):  # bob has one failure, the address five
        _try(accounts_db, "bob", PASSWORD, 5)
    assert _try(accounts_db, "bob", PASSWORD, 5, address="198.51.100.7") is not None


def test_it_signs_in_by_username_or_email_in_any_case(accounts_db, alice):
    assert _try(accounts_db, "ALICE", PASSWORD) == alice
    assert _try(accounts_db, "Alice@Example.org", PASSWORD) == alice
    assert _try(accounts_db, "alice", PASSWORD + "x") is None


def test_it_can_be_turned_off(accounts_db):
    off = SignInLimits(per_login=0, per_address=0)
    assert all(
        _try(accounts_db, "alice", "guess", minute, limits=off) is None for minute in range(8)
    )
    assert _try(accounts_db, "alice", PASSWORD, 8, limits=off) is not None
