"""Users: local accounts and the shadow users the upstream feed names as submitters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from dailypapers.db.schema import users
from dailypapers.store.keys import chunks


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
    """Insert a local account; the unique indexes refuse a taken name or email (IntegrityError)."""
    inserted = conn.execute(
        users.insert().values(username=username, email=email, password_hash=password_hash)
    )
    return inserted.inserted_primary_key[0]


def username_taken(conn: Connection, username: str) -> bool:
    query = select(users.c.id).where(func.lower(users.c.username) == username.lower())
    return conn.execute(query).first() is not None


def email_taken(conn: Connection, email: str) -> bool:
    query = select(users.c.id).where(func.lower(users.c.email) == email.lower())
    return conn.execute(query).first() is not None


def get_for_login(conn: Connection, login: str) -> dict[str, Any] | None:
    """The local account whose username or email is ``login`` (any case), or None."""
    column = users.c.email if "@" in login else users.c.username
    query = select(users).where(
        func.lower(column) == login.lower(), users.c.password_hash.is_not(None)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def lock(conn: Connection, user_id: int) -> None:
    """Lock the user's row until the transaction ends (PostgreSQL; SQLite writers are serial)."""
    conn.execute(select(users.c.id).where(users.c.id == user_id).with_for_update())


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(password_hash=password_hash))
