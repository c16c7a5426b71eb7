"""Claiming an author name on the real feed days: a verified account claims, an admin decides;
every refusal is a named error; two admins deciding at once make one decision."""

from __future__ import annotations

import threading

import pytest

from dailypapers.authors import claims, pages
from dailypapers.digest import jobs
from tests.support import data, digests

pytestmark = pytest.mark.store("feed")


@pytest.fixture
def admin(db, carol):
    return data.admin(db, carol)


def test_alice_claims_a_name_and_an_admin_approves_it(db, alice, admin):
    claim = claims.claim(db, alice, "Ceyuan Yang")
    assert (claim.state, claim.name, claim.name_key) == ("pending", "Ceyuan Yang", "ceyuan yang")
    approved = claims.approve(db, admin, claim.id)
    assert approved.state == "approved" and approved.decided_by == admin.username
    page = pages.author_page(db, "Ceyuan Yang")
    assert page.claim.holder.username == "alice"


def test_a_claim_covers_every_spelling_and_unambiguous_initials(db, alice, admin):
    claim = claims.claim(db, alice, "C. Yang")  # only one stored Yang has that initial
    assert claim.name_key == "ceyuan yang" and claim.name == "Ceyuan Yang"
    claims.approve(db, admin, claim.id)
    for spelling in ["Yang, Ceyuan", "CEYUAN YANG", "C. Yang"]:
        assert pages.author_page(db, spelling).claim.holder.id == alice.id


def test_it_refuses_a_claim_from_an_unverified_account(db):
    mallory = data.person(db, "mallory", verified=False)
    with pytest.raises(claims.Unverified):
        claims.claim(db, mallory, "Ceyuan Yang")


def test_it_refuses_claiming_a_name_alice_holds(db, alice, bob, admin):
    claims.approve(db, admin, claims.claim(db, alice, "Ceyuan Yang").id)
    with pytest.raises(claims.NameTaken, match="alice"):
        claims.claim(db, bob, "Yang, Ceyuan")


def test_it_refuses_approving_a_second_holder_of_a_name(db, alice, bob, admin):
    first = claims.claim(db, alice, "Ceyuan Yang")
    second = claims.claim(db, bob, "Ceyuan Yang")  # both wait: an admin chooses
    claims.approve(db, admin, first.id)
    with pytest.raises(claims.NameTaken):
        claims.approve(db, admin, second.id)


@pytest.mark.parametrize("name", ["Z. Chen", "Chen, Z."])
def test_it_refuses_claiming_an_ambiguous_initials_name(db, alice, name):
    with pytest.raises(claims.AmbiguousName):
        claims.claim(db, alice, name)


def test_it_refuses_claiming_initials_that_only_initials_spell(db, alice):
    data.store(db, data.paper("2506.99881", authors=["Q. Initialsonly"]))
    with pytest.raises(claims.AmbiguousName):
        claims.claim(db, alice, "Q. Initialsonly")


def test_it_refuses_claiming_nobody_and_names_no_author_can_have(db, alice):
    with pytest.raises(claims.NotAnAuthor):
        claims.claim(db, alice, "Nobody Atall")
    with pytest.raises(pages.InvalidName):
        claims.claim(db, alice, "x" * 100_000)


def test_it_limits_the_claims_waiting_for_review(db, alice, admin):
    names = ["Ceyuan Yang", "Jianwen Jiang", "Bernhard Schölkopf", "Trent Trusted"]
    waiting = [claims.claim(db, alice, name) for name in names[: claims.MAX_PENDING]]
    with pytest.raises(claims.TooManyPending):
        claims.claim(db, alice, names[claims.MAX_PENDING])
    claims.decide(db, admin, waiting[0].id, "reject", "Not you, as far as we can tell.")
    assert claims.claim(db, alice, names[claims.MAX_PENDING]).state == "pending"


def test_a_user_may_hold_several_names(db, alice, admin):
    for name in ["Ceyuan Yang", "Jianwen Jiang"]:
        claims.approve(db, admin, claims.claim(db, alice, name).id)
    assert pages.author_page(db, "Jianwen Jiang").claim.holder.id == alice.id
    assert pages.author_page(db, "Ceyuan Yang").claim.holder.id == alice.id


def test_it_refuses_a_second_claim_of_the_same_name(db, alice):
    claims.claim(db, alice, "Ceyuan Yang")
    with pytest.raises(claims.AlreadyYours):
        claims.claim(db, alice, "Yang, Ceyuan")


def test_a_user_withdraws_and_an_admin_revokes(db, alice, bob, admin):
    pending = claims.claim(db, alice, "Ceyuan Yang")
    with pytest.raises(claims.NoSuchClaim):
        claims.withdraw(db, bob, pending.id)  # not bob's to take back
    assert claims.withdraw(db, alice, pending.id).state == "withdrawn"
    with pytest.raises(claims.AlreadyDecided):
        claims.approve(db, admin, pending.id)
    held = claims.approve(db, admin, claims.claim(db, alice, "Ceyuan Yang").id)
    revoked = claims.decide(db, admin, held.id, "revoke", "Claimed by mistake")
    assert revoked.state == "revoked" and revoked.reason == "Claimed by mistake"
    assert pages.author_page(db, "Ceyuan Yang").claim.holder is None
    claims.approve(db, admin, claims.claim(db, bob, "Ceyuan Yang").id)  # free again


def test_it_keeps_bob_from_deciding_claims(db, alice, bob):
    claim = claims.claim(db, bob, "Ceyuan Yang")
    with pytest.raises(claims.NotAdmin):
        claims.approve(db, bob, claim.id)
    with pytest.raises(claims.NotAdmin):
        claims.queue(db, bob)
    assert claims.withdraw(db, bob, claim.id).state == "withdrawn"


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001, "bad\x00byte"])
def test_a_rejection_says_why(db, alice, admin, reason):
    claim = claims.claim(db, alice, "Ceyuan Yang")
    with pytest.raises(claims.InvalidReason):
        claims.decide(db, admin, claim.id, "reject", reason)
    assert claims.queue(db, admin)[0][0].state == "pending"


def _at_once(*actions):
    """Run ``actions`` in threads released together; what each returned or raised."""
    start, results = threading.Barrier(len(actions)), [None] * len(actions)

    def run(index, action):
        start.wait()
        try:
            results[index] = action()
        except claims.ClaimRefused as refusal:
            results[index] = refusal

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_claim_decided_by_two_admins_at_once_stays_one_decision(db, alice, bob, admin):
    other = data.admin(db, bob)
    claim = claims.claim(db, alice, "Ceyuan Yang")
    results = _at_once(
        lambda: claims.approve(db, admin, claim.id),
        lambda: claims.decide(db, other, claim.id, "reject", "Not her"),
    )
    refused = [r for r in results if isinstance(r, claims.ClaimRefused)]
    decided = [r for r in results if not isinstance(r, claims.ClaimRefused)]
    assert len(decided) == 1 and len(refused) == 1
    assert isinstance(refused[0], claims.AlreadyDecided)
    final = pages.author_page(db, "Ceyuan Yang").claim.holder
    assert (final is not None) == (decided[0].state == "approved")


def test_two_claims_of_one_name_approved_at_once_leave_one_holder(db, alice, bob, admin):
    other = data.admin(db, data.person(db, "dave"))
    first, second = claims.claim(db, alice, "Ceyuan Yang"), claims.claim(db, bob, "Ceyuan Yang")
    results = _at_once(
        lambda: claims.approve(db, admin, first.id), lambda: claims.approve(db, other, second.id)
    )
    assert sum(isinstance(r, claims.NameTaken) for r in results) == 1
    assert pages.author_page(db, "Ceyuan Yang").claim.holder is not None


def test_the_claimant_is_mailed_each_decision_with_its_reason(
    db, alice, admin, mail_settings, sink
):
    rejected = claims.claim(db, alice, "Ceyuan Yang")
    claims.decide(db, admin, rejected.id, "reject", "Not <b>you</b>", settings=mail_settings)
    held = claims.claim(db, alice, "Ceyuan Yang")
    claims.approve(db, admin, held.id, settings=mail_settings)
    claims.withdraw(db, alice, held.id)  # her own doing: no mail
    jobs.send_due(db, mail_settings)
    mails = {m.message["Subject"]: m.message for m in digests.mails_to(sink, alice.email)}
    no = mails["Your claim of “Ceyuan Yang” was not approved"]
    assert "Not <b>you</b>" in no.get_body(("plain",)).get_content()
    assert "Not &lt;b&gt;you&lt;/b&gt;" in no.get_body(("html",)).get_content()
    yes = mails["Your claim of “Ceyuan Yang” was approved"].get_body(("plain",)).get_content()
    assert "https://papers.example.org/authors/Ceyuan%20Yang" in yes
    assert sum("Ceyuan" in subject for subject in mails) == 2
