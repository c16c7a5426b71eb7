"""Users: local accounts and the shadow users the upstream feed names as submitters.

Every row written here gets its ``username_key`` (:func:`username_key`), so a look-alike check
sees local and upstream names alike; rows older than the column get theirs from
:func:`fill_missing_keys`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from dailypapers.db.schema import users
from dailypapers.store.keys import chunks

# Everything a User record is made of (never the password hash).
PUBLIC_COLUMNS = tuple(c for c in users.c if c.name != "password_hash")
# Characters and pairs that read alike in common fonts, folded to one spelling. Pairs first
# ("rn" is "m" before "n" could fold), then single characters; separators are dropped.
_LOOK_ALIKE_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_LOOK_ALIKE_CHARS = str.maketrans({"1": "l", "i": "l", "|": "l", "!": "l", "0": "o"})
_SEPARATORS = re.compile(r"[-_.]")


def username_key(username: str) -> str:
    """``username`` as it reads: case, separators and look-alike characters folded, so ``aIice``,
    ``al1ce`` and ``a-lice`` share ``alice``'s key."""
    folded = _SEPARATORS.sub("", username.casefold())
    for pair, single in _LOOK_ALIKE_PAIRS:
        folded = folded.replace(pair, single)
    return folded.translate(_LOOK_ALIKE_CHARS)[:64]


def get_by_username(conn: Connection, username: str) -> dict[str, Any] | None:
    query = select(users).where(func.lower(users.c.username) == username.lower())
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def get(conn: Connection, user_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def ensure_upstream(conn: Connection, refs: Sequence[Any]) -> dict[str, int]:
    """Ids of the users named by upstream records, creating the missing ones.

    ``refs`` are :class:`~dailypapers.ingest.records.UserRef`-like objects; the result maps each
    ref's :func:`key_of` to a user id. An upstream person is found by upstream id, else by the
    username of another shadow user. A username already taken by a local account (or by a
    different upstream person) gets an ``@upstream`` suffix rather than being attributed to them.
    """
    wanted = {key_of(ref): ref for ref in refs}
    if not wanted:
        return {}
    ids = [r.upstream_id for r in wanted.values() if r.upstream_id]
    names = list({r.username.lower() for r in wanted.values()})
    by_upstream_id: dict[str, dict] = {}
    by_name: dict[str, dict] = {}
    for chunk in chunks(ids):
        query = select(users).where(users.c.upstream_id.in_(chunk))
        by_upstream_id.update({r["upstream_id"]: dict(r) for r in conn.execute(query).mappings()})
    for chunk in chunks(names):
        query = select(users).where(func.lower(users.c.username).in_(chunk))
        by_name.update({r["username"].lower(): dict(r) for r in conn.execute(query).mappings()})

    result: dict[str, int] = {}
    for key, ref in wanted.items():
        row = by_upstream_id.get(ref.upstream_id) if ref.upstream_id else None
        username = ref.username
        if row is None:
            row = by_name.get(username.lower())
            if row is not None and _is_someone_else(row, ref):
                username, row = f"{username}@upstream", by_name.get(f"{username}@upstream".lower())
        if row is None:
            row = {"username": username, "password_hash": None, "upstream_id": ref.upstream_id}
            row["id"] = conn.execute(
                users.insert().values(
                    username=username[:64],
                    username_key=username_key(username[:64]),
                    fullname=(ref.fullname or "")[:200],
                    avatar_url=ref.avatar_url,
                    upstream_id=ref.upstream_id,
                )
            ).inserted_primary_key[0]
            by_name[username.lower()] = row
            if ref.upstream_id:
                by_upstream_id[ref.upstream_id] = row
        result[key] = row["id"]
    return result


def _is_someone_else(row: dict[str, Any], ref: Any) -> bool:
    if row["password_hash"]:
        return True  # a local account: never attribute upstream submissions to it
    return bool(ref.upstream_id and row["upstream_id"] and row["upstream_id"] != ref.upstream_id)


def key_of(ref: Any) -> str:
    """The key :func:`ensure_upstream` uses for ``ref`` in its result."""
    return ref.upstream_id or ref.username.lower()


# -- local accounts (site) -----------------------------------------------------------------------


def create(conn: Connection, username: str, email: str, password_hash: str) -> int:
    """Insert a local account, its email unverified; the unique indexes refuse a taken name
    (IntegrityError)."""
    inserted = conn.execute(
        users.insert().values(
            username=username,
            username_key=username_key(username),
            email=email,
            password_hash=password_hash,
        )
    )
    return inserted.inserted_primary_key[0]


def get_public(conn: Connection, user_id: int) -> dict[str, Any] | None:
    """The user's row without its password hash."""
    row = conn.execute(select(*PUBLIC_COLUMNS).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def username_taken(conn: Connection, username: str) -> bool:
    query = select(users.c.id).where(func.lower(users.c.username) == username.lower())
    return conn.execute(query).first() is not None


def key_taken(conn: Connection, key: str) -> bool:
    """Whether some user's name reads as ``key`` (:func:`username_key`)."""
    return conn.execute(select(users.c.id).where(users.c.username_key == key)).first() is not None


def fill_missing_keys(conn: Connection) -> int:
    """Give rows made before ``username_key`` existed their key; how many were keyed."""
    missing = select(users.c.id, users.c.username).where(users.c.username_key.is_(None))
    rows = [{"row_id": i, "key": username_key(name)} for i, name in conn.execute(missing)]
    if rows:
        statement = (
            update(users)
            .where(users.c.id == bindparam("row_id"))
            .values(username_key=bindparam("key"))
        )
        conn.execute(statement, rows)
    return len(rows)


def email_verified_by_other(conn: Connection, email: str, user_id: int | None = None) -> bool:
    """Whether an account (other than ``user_id``) has verified ``email``."""
    query = select(users.c.id).where(
        func.lower(users.c.email) == email.lower(), users.c.email_verified_at.is_not(None)
    )
    if user_id is not None:
        query = query.where(users.c.id != user_id)
    return conn.execute(query).first() is not None


def verified_by_email(conn: Connection, email: str) -> dict[str, Any] | None:
    """The enabled local account that verified ``email``, or None."""
    query = select(*PUBLIC_COLUMNS).where(
        func.lower(users.c.email) == email.lower(),
        users.c.email_verified_at.is_not(None),
        users.c.disabled_at.is_(None),
        users.c.password_hash.is_not(None),
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def set_email_verified(conn: Connection, user_id: int, email: str, at: datetime) -> bool:
    """Mark ``email`` verified for the user, if it is still the user's address (the partial
    unique index refuses a second verified holder: IntegrityError)."""
    statement = (
        update(users)
        .where(users.c.id == user_id, func.lower(users.c.email) == email.lower())
        .values(email_verified_at=at)
    )
    return conn.execute(statement).rowcount == 1


def get_for_login(conn: Connection, login: str) -> dict[str, Any] | None:
    """The local account whose username (any case) or verified email is ``login``, or None."""
    if "@" in login:
        where = [func.lower(users.c.email) == login.lower(), users.c.email_verified_at.is_not(None)]
    else:
        where = [func.lower(users.c.username) == login.lower()]
    query = select(users).where(*where, users.c.password_hash.is_not(None))
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def lock(conn: Connection, user_id: int) -> None:
    """Lock the user's row until the transaction ends (PostgreSQL; SQLite writers are serial)."""
    conn.execute(select(users.c.id).where(users.c.id == user_id).with_for_update())


def password_hash_of(conn: Connection, user_id: int) -> str | None:
    query = select(users.c.password_hash).where(users.c.id == user_id)
    return conn.execute(query).scalar_one_or_none()


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(password_hash=password_hash))


def set_admin(conn: Connection, user_id: int, is_admin: bool) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(is_admin=is_admin))


def set_disabled(conn: Connection, user_id: int, at: datetime | None) -> None:
    """Disable the account from ``at`` (None enables it again)."""
    conn.execute(users.update().where(users.c.id == user_id).values(disabled_at=at))


def local_accounts(conn: Connection) -> list[dict[str, Any]]:
    """Every account with a password (not the upstream feed's shadow users), oldest first."""
    query = (
        select(*PUBLIC_COLUMNS)
        .where(users.c.password_hash.is_not(None))
        .order_by(users.c.created_at, users.c.id)
    )
    return [dict(row) for row in conn.execute(query).mappings()]
