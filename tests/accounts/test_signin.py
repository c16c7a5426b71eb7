"""Signing in, and its throttling: every try is reserved before its password is checked, counted
per account (whatever alias was typed) and per client network, or per device for a browser
that signed in to the account before (with a fixed clock)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from dailypapers.accounts import administration, passwords, signin, throttle
from dailypapers.accounts.throttle import KnownDevice, SignInLimits
from tests.support import data
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
    device: KnownDevice | None = None,
):
    return signin.authenticate(
        db,
        login,
        password,
        address=address,
        limits=limits,
        device=device,
        now=T0 + timedelta(minutes=minutes),
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


def test_a_correct_password_clears_the_accounts_failures(accounts_db):
    roomy_network = SignInLimits(per_login=3, per_address=100)
    for minute in range(2):
        _try(accounts_db, "alice", "guess", minute, limits=roomy_network)
    assert _try(accounts_db, "alice", PASSWORD, 2, limits=roomy_network) is not None
    for minute in range(2):  # two more would have been the third and fourth
        assert _try(accounts_db, "alice", "guess", 3 + minute, limits=roomy_network) is None
    assert _try(accounts_db, "alice", PASSWORD, 5, limits=roomy_network) is not None


def test_it_counts_every_try_against_the_network_successes_included(accounts_db):
    for minute in range(5):
        assert _try(accounts_db, "alice", PASSWORD, minute) is not None
    with pytest.raises(throttle.Throttled):
        _try(accounts_db, "bob", PASSWORD, 5)


def test_it_counts_a_login_that_names_no_account_the_same_way(accounts_db):
    for minute in range(3):
        assert _try(accounts_db, "mallory", "guess", minute) is None
    with pytest.raises(throttle.Throttled):
        _try(accounts_db, "mallory", "guess", 3)


def test_it_counts_bob_and_his_email_as_one_account(accounts_db):
    for minute, login in enumerate(["bob", "BOB@example.org", "Bob"]):
        assert _try(accounts_db, login, "guess", minute, address=f"198.51.100.{minute}") is None
    with pytest.raises(throttle.Throttled):
        _try(accounts_db, "bob@example.org", PASSWORD, 3, address="203.0.113.9")


def test_it_slows_one_address_guessing_many_accounts(accounts_db):
    for minute, login in enumerate(["alice", "bob", "carol", "dave", "erin"]):
        assert _try(accounts_db, login, "guess", minute) is None
    with pytest.raises(throttle.Throttled):  # bob has one failure, the address five
        _try(accounts_db, "bob", PASSWORD, 5)
    assert _try(accounts_db, "bob", PASSWORD, 5, address="198.51.100.7") is not None


def test_it_counts_an_ipv6_client_by_its_whole_network(accounts_db):
    for minute in range(5):
        address = f"2001:db8:1:2::{minute + 1:x}"
        assert _try(accounts_db, f"nobody{minute}", "guess", minute, address=address) is None
    with pytest.raises(throttle.Throttled):
        _try(accounts_db, "alice", PASSWORD, 5, address="2001:db8:1:2:ffff::1")


def test_it_signs_in_by_username_or_email_in_any_case(accounts_db, alice):
    assert _try(accounts_db, "ALICE", PASSWORD) == alice
    assert _try(accounts_db, "Alice@Example.org", PASSWORD) == alice
    assert _try(accounts_db, "alice", PASSWORD + "x") is None


def test_it_signs_in_by_an_email_only_once_it_is_verified(db):
    dave = data.person(db, "dave", verified=False)
    assert _try(db, "dave@example.org", PASSWORD) is None
    assert _try(db, "dave", PASSWORD) is not None  # the username always works
    data.verify(db, dave)
    assert _try(db, "dave@example.org", PASSWORD).username == "dave"


def test_it_refuses_a_disabled_account_only_once_its_password_is_given(accounts_db, alice):
    administration.disable(accounts_db, "alice")
    assert _try(accounts_db, "alice", "guess") is None
    with pytest.raises(signin.Disabled):
        _try(accounts_db, "alice", PASSWORD, 1)
    administration.enable(accounts_db, "alice")
    assert _try(accounts_db, "alice", PASSWORD, 2) is not None


def test_it_can_be_turned_off(accounts_db):
    off = SignInLimits(per_login=0, per_address=0)
    assert all(
        _try(accounts_db, "alice", "guess", minute, limits=off) is None for minute in range(8)
    )
    assert _try(accounts_db, "alice", PASSWORD, 8, limits=off) is not None


# -- known devices -------------------------------------------------------------------------------


def test_it_lets_a_known_device_in_while_its_account_is_locked_out(accounts_db, alice):
    for minute in range(3):  # someone else locks alice's account
        assert _try(accounts_db, "alice", "guess", minute, address="203.0.113.5") is None
    with pytest.raises(throttle.Throttled):
        _try(accounts_db, "alice", PASSWORD, 3)
    laptop = KnownDevice(alice.id, "alices-laptop")
    assert _try(accounts_db, "alice", PASSWORD, 3, device=laptop) == alice


def test_it_counts_a_known_devices_tries_against_that_device_only(accounts_db, alice, bob):
    laptop = KnownDevice(alice.id, "alices-laptop")
    for minute in range(3):
        assert _try(accounts_db, "alice", "guess", minute, device=laptop) is None
    with pytest.raises(throttle.Throttled):
        _try(accounts_db, "alice", PASSWORD, 3, device=laptop)
    assert _try(accounts_db, "alice", PASSWORD, 3) == alice  # the account itself was not locked
    # A device known for bob counts nothing special for alice: her network and account count.
    bobs_phone = KnownDevice(bob.id, "bobs-phone")
    for minute in range(3):
        assert _try(accounts_db, "alice", "guess", 4 + minute, device=bobs_phone) is None
    with pytest.raises(throttle.Throttled):
        _try(accounts_db, "alice", PASSWORD, 7, device=bobs_phone)


# -- simultaneous tries --------------------------------------------------------------------------


class CountingHasher(PasswordHasher):
    """argon2's hasher, counting the passwords it checks."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.checked = 0
        self._lock = threading.Lock()

    def verify(self, stored: str, password: str) -> bool:
        with self._lock:
            self.checked += 1
        return super().verify(stored, password)


def test_it_checks_at_most_the_limit_of_fifteen_simultaneous_wrong_passwords(
    accounts_db, monkeypatch
):
    hasher = CountingHasher()
    monkeypatch.setattr(passwords, "hasher", hasher)
    start = threading.Barrier(15)
    outcomes: list[str] = []

    def guess(number: int) -> None:
        start.wait()
        try:
            user = signin.authenticate(
                accounts_db,
                "alice",
                f"guess {number}",
                address=f"198.51.100.{number}",
                limits=throttle.DEFAULT,
            )
            outcomes.append("wrong" if user is None else "signed in")
        except throttle.Throttled:
            outcomes.append("throttled")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(15)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["throttled"] * 10 + ["wrong"] * 5
    assert hasher.checked == throttle.DEFAULT.per_login == 5
