"""Signing up: unverified addresses that claim nothing, names that cannot pass for someone
else's or the site's, and a limit on sign-ups from one network."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dailypapers.accounts import credentials, registration, signin, verification
from dailypapers.ingest.records import UserRef
from tests.support import data
from tests.support.data import PASSWORD, SITE

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _sign_up(db, username: str, email: str | None = None, **options):
    email = email or f"{username}@example.org"
    return registration.sign_up(db, SITE, username, email, PASSWORD, **options)


def test_it_does_not_let_a_stranger_claim_an_address_by_signing_up_with_it(db):
    bob = data.person(db, "bob", email="alice@example.org", verified=False)
    alice = data.person(db, "alice", email="alice@example.org")  # signs up and verifies
    assert alice.email_verified and not bob.email_verified
    with pytest.raises(verification.AddressTaken):  # bob's link, had he got it, is refused
        data.verify(db, bob)
    with pytest.raises(verification.AddressTaken):
        verification.resend(db, SITE, bob)
    assert signin.authenticate(db, "alice@example.org", PASSWORD) == alice
    credentials.request_reset(db, SITE, "alice@example.org", address="192.0.2.1")
    assert data.mailed_links(db, bob, "reset") == []
    assert len(data.mailed_links(db, alice, "reset")) == 1


def test_it_refuses_an_address_a_verified_account_holds(db, alice):
    with pytest.raises(registration.AccountError) as refused:
        _sign_up(db, "mallory", "ALICE@example.org")
    assert set(refused.value.errors) == {"email"}


def test_it_queues_a_verification_mail_linking_to_the_site(db):
    dave = _sign_up(db, "dave")
    assert not dave.email_verified
    (link,) = data.mailed_links(db, dave)
    assert link.startswith("http://testserver/account/verify/")
    with db.read() as conn:
        from dailypapers.store import account_mail

        (row,) = account_mail.for_user(conn, dave.id)
    assert row["recipient"] == "dave@example.org" and row["status"] == "queued"
    assert row["subscription_id"] is None and row["period"].startswith("verify:")
    assert row["content"] == {
        "kind": "verify",
        "username": "dave",
        "link": link,
        "expires_hours": 48,
    }
    assert row["message_id"].startswith("<verify.") and row["message_id"].endswith("@localhost>")


def test_it_refuses_a_look_alike_of_an_existing_username(db, alice):
    for look_alike in ("aIice", "al1ce", "a-lice", "Al_ice", "AL1CE"):
        with pytest.raises(registration.AccountError) as refused:
            _sign_up(db, look_alike)
        assert "looks too much like" in refused.value.errors["username"], look_alike
    with pytest.raises(registration.AccountError) as refused:
        _sign_up(db, "ALICE")
    assert "is taken" in refused.value.errors["username"]
    assert _sign_up(db, "alicia").username == "alicia"


def test_it_refuses_a_look_alike_of_an_upstream_submitter(db):
    submitter = UserRef("rnodel-maker", upstream_id="0123456789abcdef01234567")
    feed = data.in_feed(data.paper("2606.00001"), date(2026, 6, 1))
    feed.submitter = submitter
    data.store(db, feed)
    with pytest.raises(registration.AccountError) as refused:
        _sign_up(db, "model_maker")
    assert "looks too much like" in refused.value.errors["username"]


@pytest.mark.parametrize(
    "name",
    ["admin", "Administrator", "root", "support", "security", "postmaster", "adm1n", "w-w-w"],
)
def test_it_refuses_the_names_people_take_for_the_sites_own(db, name):
    with pytest.raises(registration.AccountError) as refused:
        _sign_up(db, name)
    assert "is reserved" in refused.value.errors["username"]


def test_it_limits_sign_ups_from_one_address(db):
    for number in range(5):
        _sign_up(db, f"reader{number}", address="192.0.2.7", now=T0)
    with pytest.raises(registration.SignUpsExceeded) as refused:
        _sign_up(db, "reader5", address="192.0.2.7", now=T0 + timedelta(minutes=1))
    assert refused.value.retry_after == 59 * 60
    assert _sign_up(db, "reader5", address="198.51.100.7", now=T0).username == "reader5"
    assert _sign_up(db, "reader6", address="192.0.2.7", now=T0 + timedelta(hours=1)) is not None


def test_it_counts_an_ipv6_network_as_one_address_for_sign_ups(db):
    for number in range(5):
        _sign_up(db, f"reader{number}", address=f"2001:db8:5:6::{number + 1}", now=T0)
    with pytest.raises(registration.SignUpsExceeded):
        _sign_up(db, "reader5", address="2001:db8:5:6:abcd::1", now=T0)


def test_a_refused_name_costs_no_sign_up(db, alice):
    for _ in range(6):
        with pytest.raises(registration.AccountError):
            _sign_up(db, "alice", "someone@example.org", address="192.0.2.7", now=T0)
    assert _sign_up(db, "dave", address="192.0.2.7", now=T0) is not None
