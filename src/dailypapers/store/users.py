"""Users: local accounts and the shadow users the upstream feed names as submitters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from dailypapers.db.schema import users


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
    ref's key (upstream id, else lowercased username) to a user id. A username already taken by a
    local account gets an ``@upstream`` suffix rather than being attributed to that person.
    """
    by_key: dict[str, Any] = {}
    for ref in refs:
        by_key.setdefault(_key(ref), ref)
    if not by_key:
        return {}
    result: dict[str, int] = {}
    upstream_ids = [r.upstream_id for r in by_key.values() if r.upstream_id]
    names = [r.username.lower() for r in by_key.values()]
    known_ids: dict[str, dict] = {}
    known_names: dict[str, dict] = {}
    for start in range(0, max(len(upstream_ids), len(names)), 900):
        if upstream_ids[start : start + 900]:
            query = select(users).where(users.c.upstream_id.in_(upstream_ids[start : start + 900]))
            known_ids.update({r["upstream_id"]: dict(r) for r in conn.execute(query).mappings()})
        if names[start : start + 900]:
            query = select(users).where(func.lower(users.c.username).in_(names[start : start + 900]))
            known_names.update(
                {r["username"].lower(): dict(r) for r in conn.execute(query).mappings()}
            )
    for key, ref in by_key.items():
        row = known_ids.get(ref.upstream_id) if ref.upstream_id else None
        if row is None:
            row = known_names.get(ref.username.lower())
            if row is not None and (row["password_hash"] or (
                ref.upstream_id and row["upstream_id"] and row["upstream_id"] != ref.upstream_id
            )):
                row = None  # a local account or another upstream person: never merge
                ref.username = f"{ref.username}@upstream"
        if row is None:
            inserted = conn.execute(
                users.insert().values(
                    username=ref.username[:64],
                    fullname=(ref.fullname or "")[:200],
                    avatar_url=ref.avatar_url,
                    upstream_id=ref.upstream_id,
                )
            )
            user_id = inserted.inserted_primary_key[0]
            known_names[ref.username.lower()] = {"id": user_id, "username": ref.username,
                                                 "password_hash": None,
                                                 "upstream_id": ref.upstream_id}
        else:
            user_id = row["id"]
        result[key] = user_id
    return result


def _key(ref: Any) -> str:
    return ref.upstream_id or ref.username.lower()


def key_of(ref: Any) -> str:
    """The key :func:`ensure_upstream` uses for ``ref`` in its result."""
    return _key(ref)


# -- local accounts (site) --------------------------------------------------------------------------


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
    query = select(users).where(func.lower(column) == login.lower(),
                                users.c.password_hash.is_not(None))
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(password_hash=password_hash))
