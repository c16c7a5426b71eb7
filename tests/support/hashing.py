"""Holding the password-hashing slots (``accounts.passwords.SLOTS``) from other threads, to see
what the site does when none is free: argon2's real hasher, whose checks wait at a gate."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher

from dailypapers.accounts import passwords


class GatedHasher(PasswordHasher):
    """argon2's hasher (test-cheap parameters) whose checks wait at ``gate``, noting how many run
    at once; ``started`` is released by each check as it begins."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.gate = threading.Event()
        self.started = threading.Semaphore(0)
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def verify(self, stored: str, password: str) -> bool:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.started.release()
        self.gate.wait(10)
        with self._lock:
            self.running -= 1
        return super().verify(stored, password)


@contextmanager
def every_slot_taken(monkeypatch) -> Iterator[GatedHasher]:
    """Inside: every hashing slot is held by a check waiting at the gate (opened on leaving)."""
    hasher = GatedHasher()
    monkeypatch.setattr(passwords, "hasher", hasher)
    stored = hasher.hash("a fine passphrase")
    holders = [
        threading.Thread(target=passwords.matches, args=(stored, "x"))
        for _ in range(passwords.SLOTS)
    ]
    for holder in holders:
        holder.start()
    for _ in holders:
        assert hasher.started.acquire(timeout=10), "a holder never took its slot"
    try:
        yield hasher
    finally:
        hasher.gate.set()
        for holder in holders:
            holder.join()
