"""What a new password may be: refused when blank, common, guessable or the account's own name
or address; the test suite's own password passes."""

from __future__ import annotations

import pytest

from dailypapers.accounts import password_rules
from tests.support.data import PASSWORD


def _problem(password: str) -> str | None:
    return password_rules.problem(password, "alice", "alice@example.org")


def test_it_refuses_a_password_of_only_spaces():
    assert "only spaces" in _problem(" " * 8)


@pytest.mark.parametrize("common", ["password", "12345678", "iloveyou", "qwertyuiop", "Password1"])
def test_it_refuses_the_most_common_passwords(common):
    assert "too easy to guess" in _problem(common)


def test_it_refuses_the_email_as_the_password():
    assert "your email" in _problem("alice@example.org")
    assert "your email" in _problem(" ALICE@example.org ")


def test_it_refuses_the_username_as_the_password():
    assert password_rules.problem("alice-in-wonderland", "alice-in-wonderland", "a@b.org") == (
        "The password cannot be your username."
    )


def test_it_refuses_a_guessable_variation_of_the_name():
    assert "too easy to guess" in _problem("alice2026")


def test_it_refuses_the_short_and_the_endless():
    assert "at least 8" in _problem("x7#kQ")
    assert "at most 1024" in _problem("x" * 1025)


def test_it_accepts_a_few_uncommon_words_and_judges_a_long_one_by_its_start():
    assert _problem(PASSWORD) is None
    assert _problem("correct horse battery staple " * 30) is None
