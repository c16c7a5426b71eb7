"""Password hashes: argon2id, a check that costs the same whether or not an account exists, and a
bound on how many hashes a process computes at once.

argon2-cffi's defaults are RFC 9106's second recommended set (64 MiB, 3 passes, 4 lanes; about
0.1 s here). A login that names nobody is checked against a dummy hash, so response times do not
tell which accounts exist. Each hash holds its 64 MiB for its whole run, so a flood of sign-ins
could otherwise take a worker's memory and both cores: at most :data:`SLOTS` hashes run at once,
and a request that finds no free slot within :data:`WAIT_SECONDS` is refused with :class:`Busy`
(the site answers 503 with ``Retry-After``) instead of queueing without end.
"""

from __future__ import annotations

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 1024  # longer inputs are refused before hashing: argon2 time grows with length

# Two hashes at once: 128 MiB of argon2 memory at most per worker process, and one core left for
# everything else on a two-core machine, while two people signing in together never wait.
SLOTS = 2
# Long enough for a few queued hashes (about 0.1 s each) to finish; short enough that a flood
# is answered quickly rather than piling up requests.
WAIT_SECONDS = 5.0
RETRY_AFTER = 5  # seconds a refused request is told to wait

hasher = PasswordHasher()
DUMMY_HASH = hasher.hash("not a password anyone has")
_slots = threading.BoundedSemaphore(SLOTS)


class Busy(RuntimeError):
    """Every hashing slot stayed taken for :data:`WAIT_SECONDS`: try again in a few seconds."""

    retry_after = RETRY_AFTER

    def __init__(self) -> None:
        super().__init__("The site is busy checking passwords. Try again in a few seconds.")


class _Slot:
    """One of the :data:`SLOTS` hashing slots, held for a ``with`` block."""

    def __enter__(self) -> None:
        if not _slots.acquire(timeout=WAIT_SECONDS):
            raise Busy()

    def __exit__(self, *exc_info: object) -> None:
        _slots.release()


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``. Raises :class:`Busy`."""
    with _Slot():
        return hasher.hash(password)


def matches(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one ``stored_hash`` was made from (None: no account; the
    dummy hash is checked so the answer takes as long). Raises :class:`Busy`."""
    with _Slot():
        try:
            hasher.verify(stored_hash or DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return False
    return stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return hasher.check_needs_rehash(stored_hash)
