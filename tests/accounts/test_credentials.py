"""Changing a password, and resetting it by a mailed link: the same answer for any address,
links good once and for an hour, and every other session signed out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dailypapers.accounts import credentials, quotas, registration, sessions, signin, throttle
from dailypapers.accounts.verification import LinkNotUsable
from tests.support import data
from tests.support.data import PASSWORD, SITE

NEW_PASSWORD = "purple elephant umbrella"


def _reset_link(db, user, address: str = "192.0.2.1") -> str:
    credentials.request_reset(db, SITE, user.email, address=address)
    return data.token_of(data.mailed_links(db, user, "reset")[-1])


def _sessions(db, user, count: int) -> list[str]:
    tokens = [f"{user.username}-session-{n}" for n in range(count)]
    for token in tokens:
        sessions.start(db, token, user, timedelta(days=1))
    return tokens


def _signed_in(db, tokens: list[str]) -> list[bool]:
    return [sessions.user_for(db, token) is not None for token in tokens]


def test_it_answers_a_reset_request_the_same_for_unknown_addresses(db, alice):
    dave = data.person(db, "dave", verified=False)
    answers = [
        credentials.request_reset(db, SITE, email, address="192.0.2.1")
        for email in ("alice@example.org", "nobody@example.org", "dave@example.org", "not mail")
    ]
    assert answers == [None] * 4  # nothing to tell them apart by
    assert len(data.mailed_links(db, alice, "reset")) == 1
    assert data.mailed_links(db, dave, "reset") == []  # an unverified address gets no reset
    # The limit per address counts any address typed, known or not.
    for email in ("alice@example.org", "nobody@example.org"):
        for _ in range(2):
            credentials.request_reset(db, SITE, email, address="198.51.100.1")
        with pytest.raises(quotas.Exceeded):
            credentials.request_reset(db, SITE, email, address="198.51.100.2")


def test_it_limits_reset_requests_from_one_network(db):
    for number in range(10):
        credentials.request_reset(db, SITE, f"n{number}@example.org", address="192.0.2.9")
    with pytest.raises(quotas.Exceeded):
        credentials.request_reset(db, SITE, "n10@example.org", address="192.0.2.9")


def test_it_resets_the_password_and_signs_out_everywhere(db, alice):
    tokens = _sessions(db, alice, 2)
    secret = _reset_link(db, alice)
    assert credentials.reset_pending(db, secret) == alice
    credentials.reset_password(db, secret, NEW_PASSWORD, NEW_PASSWORD)
    assert _signed_in(db, tokens) == [False, False]
    assert signin.authenticate(db, "alice", PASSWORD) is None
    assert signin.authenticate(db, "alice", NEW_PASSWORD) is not None


def test_it_refuses_a_reset_link_used_twice(db, alice):
    secret = _reset_link(db, alice)
    credentials.reset_password(db, secret, NEW_PASSWORD, NEW_PASSWORD)
    with pytest.raises(LinkNotUsable):
        credentials.reset_password(db, secret, "another fine passphrase", "another fine passphrase")
    assert signin.authenticate(db, "alice", NEW_PASSWORD) is not None


def test_it_refuses_an_expired_reset_link(db, alice):
    secret = _reset_link(db, alice)
    an_hour_later = datetime.now(UTC) + timedelta(hours=1, seconds=1)
    with pytest.raises(LinkNotUsable):
        credentials.reset_password(db, secret, NEW_PASSWORD, NEW_PASSWORD, now=an_hour_later)
    assert signin.authenticate(db, "alice", PASSWORD) is not None


def test_it_voids_reset_links_when_the_password_changes(db, alice):
    secret = _reset_link(db, alice)
    credentials.change_password(
        db, alice, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, address="192.0.2.1", keep_session=None
    )
    with pytest.raises(LinkNotUsable):
        credentials.reset_password(db, secret, "another fine passphrase", "another fine passphrase")


def test_it_checks_the_new_password_of_a_reset(db, alice):
    secret = _reset_link(db, alice)
    with pytest.raises(registration.AccountError) as refused:
        credentials.reset_password(db, secret, "password", "password")
    assert set(refused.value.errors) == {"password"}
    with pytest.raises(registration.AccountError) as refused:
        credentials.reset_password(db, secret, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert set(refused.value.errors) == {"repeated"}
    credentials.reset_password(db, secret, NEW_PASSWORD, NEW_PASSWORD)  # still good: unused


def test_it_signs_out_other_sessions_when_the_password_changes(db, alice, bob):
    this, other = _sessions(db, alice, 2)
    (bobs,) = _sessions(db, bob, 1)
    credentials.change_password(
        db, alice, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, address="192.0.2.1", keep_session=this
    )
    assert _signed_in(db, [this, other, bobs]) == [True, False, True]
    assert signin.authenticate(db, "alice", NEW_PASSWORD) is not None


def test_it_refuses_a_change_without_the_current_password_and_throttles_guesses(db, alice):
    for _ in range(throttle.DEFAULT.per_login):
        with pytest.raises(registration.AccountError) as refused:
            credentials.change_password(
                db,
                alice,
                "guess",
                NEW_PASSWORD,
                NEW_PASSWORD,
                address="192.0.2.1",
                keep_session=None,
            )
        assert set(refused.value.errors) == {"current"}
    with pytest.raises(throttle.Throttled):
        credentials.change_password(
            db, alice, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, address="192.0.2.1", keep_session=None
        )


def test_it_lets_the_owner_in_after_a_reset_though_guessers_locked_the_account(db, alice):
    for _ in range(throttle.DEFAULT.per_login):
        signin.authenticate(db, "alice", "guess", address="203.0.113.5", limits=throttle.DEFAULT)
    secret = _reset_link(db, alice)
    credentials.reset_password(db, secret, NEW_PASSWORD, NEW_PASSWORD)
    user = signin.authenticate(db, "alice", NEW_PASSWORD, limits=throttle.DEFAULT)
    assert user == alice
