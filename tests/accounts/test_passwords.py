"""Password hashing: at most a few argon2 runs at once (64 MiB each), and a clear refusal when
none can start soon."""

from __future__ import annotations

import threading

import pytest

from dailypapers.accounts import passwords
from tests.support.hashing import every_slot_taken


def test_it_refuses_to_queue_a_hash_when_every_slot_stays_taken(monkeypatch):
    monkeypatch.setattr(passwords, "WAIT_SECONDS", 0.2)
    with every_slot_taken(monkeypatch), pytest.raises(passwords.Busy) as refused:
        passwords.hash_password("another fine passphrase")
    assert refused.value.retry_after > 0
    stored = passwords.hash_password("a fine passphrase")  # the slots are free again
    assert passwords.matches(stored, "a fine passphrase")


def test_it_runs_at_most_its_slots_of_hashes_at_once(monkeypatch):
    with every_slot_taken(monkeypatch) as hasher:
        stored = passwords.hasher.hash("a fine passphrase")
        more = [
            threading.Thread(target=passwords.matches, args=(stored, f"guess {n}"))
            for n in range(4)
        ]
        for thread in more:
            thread.start()
    for thread in more:
        thread.join()
    assert hasher.most_at_once == passwords.SLOTS
