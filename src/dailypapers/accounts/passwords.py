"""Password hashes: argon2id, and a check that costs the same whether or not an account exists.

argon2-cffi's defaults are RFC 9106's second recommended set (64 MiB, 3 passes, 4 lanes; about
0.1 s here). A login that names nobody is checked against a dummy hash, so response times do not
tell which accounts exist.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 1024  # longer inputs are refused before hashing: argon2 time grows with length

hasher = PasswordHasher()
DUMMY_HASH = hasher.hash("not a password anyone has")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def matches(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one ``stored_hash`` was made from (None: no account; the
    dummy hash is checked so the answer takes as long)."""
    try:
        hasher.verify(stored_hash or DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return hasher.check_needs_rehash(stored_hash)
