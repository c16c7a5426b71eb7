"""Sign-in throttling: wrong passwords for one login, or from one address, make signing in wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from dailypapers.accounts import registration as accounts
from dailypapers.accounts import throttle as sign_in_limits
from dailypapers.web.app import create_app
from tests.site.conftest import PASSWORD, sign_up, token_of

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
LIMITS = sign_in_limits.Limits(per_login=3, per_address=5, window=timedelta(minutes=15))


def _sign_in(client: TestClient, login: str, password: str):  # noqa: ANN202
    client.cookies.clear()
    form = client.get("/signin").text
    return client.post("/signin", data={"csrf_token": token_of(form), "login": login,
                                        "password": password}, follow_redirects=False)


@pytest.fixture
def accounts_db(db):
    accounts.sign_up(db, "alice", "alice@example.com", PASSWORD)
    accounts.sign_up(db, "bob", "bob@example.com", PASSWORD)
    return db


def _try(db, login: str, password: str, minutes: float = 0, address: str = "192.0.2.1"):  # noqa: ANN001, ANN202
    return accounts.authenticate(db, login, password, address=address, limits=LIMITS,
                                 now=T0 + timedelta(minutes=minutes))


def test_it_refuses_even_the_right_password_after_too_many_wrong_ones(accounts_db):
    for minute in range(3):
        assert _try(accounts_db, "alice", "guess", minute) is None
    with pytest.raises(sign_in_limits.Throttled) as raised:
        _try(accounts_db, "alice", PASSWORD, 3)
    # The oldest failure (minute 0) ages out at minute 15: 12 minutes from minute 3.
    assert raised.value.retry_after == 12 * 60
    assert "Try again in 12 minutes" in str(raised.value)
    with pytest.raises(sign_in_limits.Throttled):
        _try(accounts_db, "ALICE ", PASSWORD, 14.9)  # the login as typed, any case
    assert _try(accounts_db, "alice", PASSWORD, 15)["username"] == "alice"


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
    with pytest.raises(sign_in_limits.Throttled):
        _try(accounts_db, "mallory", "guess", 3)


def test_it_slows_one_address_guessing_many_accounts(accounts_db):
    for minute, login in enumerate(["alice", "bob", "carol", "dave", "erin"]):
        assert _try(accounts_db, login, "guess", minute) is None
    with pytest.raises(sign_in_limits.Throttled):  # bob has one failure, the address five
        _try(accounts_db, "bob", PASSWORD, 5)
    assert _try(accounts_db, "bob", PASSWORD, 5, address="198.51.100.7") is not None


def test_it_answers_429_with_retry_after_and_keeps_the_login(settings, feed):
    app = create_app(settings.model_copy(update={"sign_in_max_failures": 2}), feed)
    with TestClient(app) as client:
        sign_up(client, "alice")
        assert [_sign_in(client, "alice", "guess").status_code for _ in range(2)] == [400, 400]
        refused = _sign_in(client, "alice", PASSWORD)
        assert refused.status_code == 429
        assert 0 < int(refused.headers["retry-after"]) <= 900
        assert "Too many wrong passwords" in refused.text and 'value="alice"' in refused.text
        assert 'role="alert"' in refused.text
        assert _sign_in(client, "bob", "guess").status_code == 400  # other logins unaffected


def test_it_can_be_turned_off(settings, feed):
    app = create_app(settings.model_copy(update={"sign_in_max_failures": 0,
                                                 "sign_in_address_max_failures": 0}), feed)
    with TestClient(app) as client:
        sign_up(client, "alice")
        assert {_sign_in(client, "alice", "guess").status_code for _ in range(8)} == {400}
        assert _sign_in(client, "alice", PASSWORD).status_code == 303
