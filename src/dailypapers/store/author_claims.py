"""Claims of author names (``author_claims``): written, decided by a conditional UPDATE (a claim
leaves a state once, however many decide it at the same moment), and read with the claimant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, select, update

from dailypapers.db.schema import author_claims, paper_authors, users
from dailypapers.store.keys import chunks

# The claimant's columns a claim is read with (what a User record is built from, no secrets).
_CLAIMANT = (
    users.c.username,
    users.c.fullname,
    users.c.email,
    users.c.email_verified_at,
    users.c.avatar_url,
    users.c.upstream_id,
    users.c.is_admin,
    users.c.disabled_at,
)


def _with_claimant() -> Select:
    decider = users.alias("decider")
    return (
        select(author_claims, *_CLAIMANT, decider.c.username.label("decided_by_username"))
        .join(users, users.c.id == author_claims.c.user_id)
        .outerjoin(decider, decider.c.id == author_claims.c.decided_by)
    )


def insert(conn: Connection, user_id: int, name: str, name_key: str, now: datetime) -> int:
    """A pending claim; its id."""
    inserted = conn.execute(
        author_claims.insert().values(
            user_id=user_id, name=name, name_key=name_key, state="pending", created_at=now
        )
    )
    return inserted.inserted_primary_key[0]


def get(conn: Connection, claim_id: int) -> dict[str, Any] | None:
    row = conn.execute(_with_claimant().where(author_claims.c.id == claim_id)).mappings().first()
    return dict(row) if row else None


def count_in_state(conn: Connection, user_id: int, state: str) -> int:
    query = select(func.count()).where(
        author_claims.c.user_id == user_id, author_claims.c.state == state
    )
    return conn.execute(query).scalar_one()


def open_claim(conn: Connection, user_id: int, name_key: str) -> dict[str, Any] | None:
    """The user's pending or approved claim of ``name_key``, if any."""
    query = _with_claimant().where(
        author_claims.c.user_id == user_id,
        author_claims.c.name_key == name_key,
        author_claims.c.state.in_(("pending", "approved")),
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def latest_of(conn: Connection, user_id: int, name_keys: Iterable[str]) -> dict[str, Any] | None:
    """The user's newest claim of any of ``name_keys``, whatever its state."""
    query = (
        _with_claimant()
        .where(author_claims.c.user_id == user_id, author_claims.c.name_key.in_(list(name_keys)))
        .order_by(author_claims.c.id.desc())
        .limit(1)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def approved_for(conn: Connection, name_keys: Iterable[str]) -> list[dict[str, Any]]:
    """The approved claims of these keys with their holders (one query per thousand keys)."""
    found = []
    for chunk in chunks(sorted(set(name_keys))):
        query = _with_claimant().where(
            author_claims.c.state == "approved", author_claims.c.name_key.in_(chunk)
        )
        found += [dict(row) for row in conn.execute(query).mappings()]
    return found


def of_user(conn: Connection, user_id: int, states: Iterable[str]) -> list[dict[str, Any]]:
    """The user's claims in these states, oldest first."""
    query = (
        _with_claimant()
        .where(author_claims.c.user_id == user_id, author_claims.c.state.in_(list(states)))
        .order_by(author_claims.c.id)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def in_state(conn: Connection, state: str, limit: int) -> list[dict[str, Any]]:
    """Claims in ``state``, oldest first (the admin's queue)."""
    query = (
        _with_claimant()
        .where(author_claims.c.state == state)
        .order_by(author_claims.c.created_at, author_claims.c.id)
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def move(
    conn: Connection,
    claim_id: int,
    *,
    from_state: str,
    to_state: str,
    by: int | None,
    reason: str,
    now: datetime,
) -> bool:
    """Move the claim from ``from_state`` to ``to_state``; False when it was not in
    ``from_state`` (another decision came first). Approving a key someone holds raises
    IntegrityError (the partial unique index)."""
    done = conn.execute(
        update(author_claims)
        .where(author_claims.c.id == claim_id, author_claims.c.state == from_state)
        .values(state=to_state, decided_by=by, decided_at=now, reason=reason)
    )
    return done.rowcount == 1


def approved_on_papers(conn: Connection, paper_ids: Iterable[int]) -> list[dict[str, Any]]:
    """(paper_id, position) of each author of these papers whose name key an account holds,
    with the holder's columns and ``user_id``: one query per thousand papers."""
    found = []
    for chunk in chunks(sorted(set(paper_ids))):
        query = (
            select(
                paper_authors.c.paper_id,
                paper_authors.c.position,
                author_claims.c.user_id,
                *_CLAIMANT,
            )  # fmt: skip
            .join(author_claims, author_claims.c.name_key == paper_authors.c.name_key)
            .join(users, users.c.id == author_claims.c.user_id)
            .where(paper_authors.c.paper_id.in_(chunk), author_claims.c.state == "approved")
        )
        found += [dict(row) for row in conn.execute(query).mappings()]
    return found
