"""The mail outbox: composed mails waiting to be sent, and every state change of their delivery.

Each function is one conditional statement, so concurrent workers never need more than the
database's own row locking; digest/worker.py explains the state machine and what it guarantees:

    queued --claim--> sending --commit point--> committed --server said 250--> sent
       ^                 |                          |--4xx--> queued (retry later)
       |                 |                          |--5xx--> failed
       |                 |                          `--worker died / reply lost--> unconfirmed
       `--4xx, refused---'--5xx--> failed

Any queued mail that may no longer be sent --> cancelled: a digest of an address that is not
(or no longer) subscribed, and any mail at all to an address on the suppression list. A digest
with nothing in it --> empty. Rows of an account's mail (address verification, password reset)
have a ``user_id`` and no ``subscription_id``: nothing about subscriptions holds them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from dailypapers.db.schema import mailed_papers, outbox, subscriptions, suppressions
from dailypapers.store import leases
from dailypapers.store.keys import chunks

PROBLEMS = ("failed", "unconfirmed")

_subscription_active = exists().where(
    subscriptions.c.id == outbox.c.subscription_id,
    subscriptions.c.confirmed_at.is_not(None),
    subscriptions.c.unsubscribed_at.is_(None),
)
_suppressed = exists().where(suppressions.c.email == func.lower(outbox.c.recipient))
# Digests need a live subscription; every other kind (confirmation, verify, reset) is mail the
# address asked for just now. Nothing at all goes to a suppressed address.
_may_send = and_(~_suppressed, or_(outbox.c.kind != "digest", _subscription_active))


def insert(conn: Connection, row: dict[str, Any]) -> int | None:
    """Add a composed mail; None when this subscription already has one for this period."""
    return conn.execute(_insert_statement(conn.dialect.name), row).scalar_one_or_none()


def _insert_statement(dialect_name: str):
    if dialect_name not in _INSERTS:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        _INSERTS[dialect_name] = (
            dialect.insert(outbox)
            .on_conflict_do_nothing(index_elements=["subscription_id", "period"])
            .returning(outbox.c.id)
        )
    return _INSERTS[dialect_name]


_INSERTS: dict[str, Any] = {}


def existing(conn: Connection, periods: Iterable[str]) -> set[tuple[int, str]]:
    """(subscription id, period) pairs already in the outbox for these periods."""
    wanted = sorted(set(periods))
    found: set[tuple[int, str]] = set()
    for chunk in chunks(wanted, 500):
        query = select(outbox.c.subscription_id, outbox.c.period).where(outbox.c.period.in_(chunk))
        found.update((r.subscription_id, r.period) for r in conn.execute(query))
    return found


def get(conn: Connection, outbox_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(outbox).where(outbox.c.id == outbox_id)).mappings().first()
    return dict(row) if row else None


def for_subscription(conn: Connection, subscription_id: int) -> list[dict[str, Any]]:
    query = select(outbox).where(outbox.c.subscription_id == subscription_id).order_by(outbox.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


def claim(
    conn: Connection, worker: str, now: datetime, lease_until: datetime, limit: int
) -> list[dict[str, Any]]:
    """Take up to ``limit`` sendable rows for ``worker``: queued and due, or ``sending`` rows whose
    worker's lease ran out before its commit point (nothing of theirs reached the server)."""
    claimable = and_(
        or_(
            and_(outbox.c.status == "queued", outbox.c.next_attempt_at <= now),
            and_(outbox.c.status == "sending", outbox.c.lease_until < now),
        ),
        _may_send,
    )
    rows = leases.claim(
        conn, outbox, claimable, worker=worker, now=now, lease_until=lease_until, limit=limit
    )
    return [dict(r) for r in rows]


def has_due(conn: Connection, now: datetime) -> bool:
    """Whether a worker has anything to do now: a queued row that is due, or a row whose
    worker's lease ran out. One probe of the (status, next_attempt_at) index per state, cheap
    enough to ask every few seconds."""
    due = or_(
        and_(outbox.c.status == "queued", outbox.c.next_attempt_at <= now),
        and_(outbox.c.status.in_(("sending", "committed")), outbox.c.lease_until < now),
    )
    return conn.execute(select(outbox.c.id).where(due).limit(1)).first() is not None


def cancel_inactive(conn: Connection, now: datetime) -> int:
    """Cancel what waits for an address that may no longer get it: digests of addresses that
    unsubscribed (or were never confirmed), and any mail to a suppressed address."""
    statement = (
        update(outbox)
        .where(
            or_(
                outbox.c.status == "queued",
                and_(outbox.c.status == "sending", outbox.c.lease_until < now),
            ),
            ~_may_send,
        )
        .values(status="cancelled", lease_owner=None, lease_until=None, updated_at=now)
    )
    return conn.execute(statement).rowcount


def _held(outbox_id: int, worker: str, *statuses: str):
    """An UPDATE of row ``outbox_id`` that holds only while ``worker`` owns its lease and the row
    is in one of ``statuses``."""
    return update(outbox).where(
        outbox.c.id == outbox_id, outbox.c.lease_owner == worker, outbox.c.status.in_(statuses)
    )


def _lease_over(now: datetime) -> dict[str, Any]:
    """What ending a delivery attempt sets besides its outcome: nobody holds the row any more."""
    return {"lease_owner": None, "lease_until": None, "updated_at": now}


def commit_point(
    conn: Connection, outbox_id: int, worker: str, now: datetime, lease_until: datetime
) -> bool:
    """Decide, once and for all, that this row is handed to the server: only the worker that
    still owns it, and only while its address still wants mail. Renews the lease so the reply
    has time to arrive. False means: abort the SMTP transaction, do not send."""
    statement = (
        _held(outbox_id, worker, "sending")
        .where(_may_send)
        .values(status="committed", lease_until=lease_until, updated_at=now)
    )
    return conn.execute(statement).rowcount == 1


def mark_sent(conn: Connection, outbox_id: int, worker: str, reply: str, now: datetime) -> bool:
    statement = _held(outbox_id, worker, "committed").values(
        status="sent", sent_at=now, smtp_reply=reply[:1000], **_lease_over(now)
    )
    return conn.execute(statement).rowcount == 1


def mark_handed_over(
    conn: Connection, outbox_id: int, worker: str, note: str, now: datetime
) -> bool:
    """The end of data went out but the commit point's COMMIT failed: the worker knows the server
    has it, so it is recorded as committed (never resent; its reply decides the rest)."""
    statement = _held(outbox_id, worker, "sending", "committed").values(
        status="committed", last_error=note[:1000], updated_at=now
    )
    return conn.execute(statement).rowcount == 1


def mark_retry(
    conn: Connection,
    outbox_id: int,
    worker: str,
    error: str,
    next_attempt_at: datetime,
    now: datetime,
    max_attempts: int,
) -> str:
    """A temporary failure: try again at ``next_attempt_at``, or give up after ``max_attempts``.
    Returns the new status."""
    gave_up = outbox.c.attempts >= max_attempts
    statement = (
        _held(outbox_id, worker, "sending", "committed")
        .values(
            status=case((gave_up, "failed"), else_="queued"),
            last_error=case(
                (gave_up, f"gave up after {max_attempts} attempts: " + error[:900]),
                else_=error[:1000],
            ),
            next_attempt_at=next_attempt_at,
            **_lease_over(now),
        )
        .returning(outbox.c.status)
    )
    status = conn.execute(statement).scalar_one_or_none()
    if status == "failed":
        _forget_mailed(conn, outbox_id)
    return status or "lost-lease"


def mark_failed(conn: Connection, outbox_id: int, worker: str, error: str, now: datetime) -> bool:
    """A permanent failure (5xx): recorded for the admin, never retried on its own."""
    statement = _held(outbox_id, worker, "sending", "committed").values(
        status="failed", last_error=error[:1000], **_lease_over(now)
    )
    done = conn.execute(statement).rowcount == 1
    if done:
        _forget_mailed(conn, outbox_id)
    return done


def mark_unconfirmed(
    conn: Connection, outbox_id: int, worker: str, error: str, now: datetime
) -> bool:
    """The end of data went out but no reply came back: maybe delivered, so never resent."""
    statement = _held(outbox_id, worker, "committed").values(
        status="unconfirmed", last_error=error[:1000], **_lease_over(now)
    )
    return conn.execute(statement).rowcount == 1


def cancel(conn: Connection, outbox_id: int, worker: str, now: datetime) -> bool:
    statement = (
        _held(outbox_id, worker, "sending")
        .where(~_may_send)
        .values(status="cancelled", **_lease_over(now))
    )
    return conn.execute(statement).rowcount == 1


def release(conn: Connection, outbox_ids: Sequence[int], worker: str, now: datetime) -> int:
    """Give back claimed rows this worker did not get to (no attempt is counted)."""
    return leases.release(conn, outbox, outbox_ids, worker, now)


def settle_in_doubt(conn: Connection, now: datetime) -> int:
    """Rows whose worker died after the commit point (lease over): it may have handed the end of
    data to the server, so they are never resent; they are shown to the admin as unconfirmed."""
    statement = (
        update(outbox)
        .where(outbox.c.status == "committed", outbox.c.lease_until < now)
        .values(
            status="unconfirmed",
            lease_owner=None,
            lease_until=None,
            updated_at=now,
            last_error="the worker stopped after its commit point, before the server's "
            "reply was recorded: the server has probably accepted it, so it is not resent",
        )
    )
    return conn.execute(statement).rowcount


def requeue(conn: Connection, outbox_id: int, now: datetime) -> bool:
    """The admin's explicit resend of a failed or unconfirmed mail (same Message-ID)."""
    statement = (
        update(outbox)
        .where(outbox.c.id == outbox_id, outbox.c.status.in_(PROBLEMS))
        .values(status="queued", attempts=0, next_attempt_at=now, last_error=None, updated_at=now)
    )
    return conn.execute(statement).rowcount == 1


def counts(conn: Connection) -> dict[str, int]:
    query = select(outbox.c.status, func.count().label("n")).group_by(outbox.c.status)
    return {row.status: row.n for row in conn.execute(query)}


def subscriptions_with_period(conn: Connection, period: str) -> set[int]:
    query = select(outbox.c.subscription_id).where(outbox.c.period == period)
    return set(conn.execute(query).scalars())


def ids_with_status(conn: Connection, status: str) -> set[int]:
    query = select(outbox.c.id).where(outbox.c.status == status)
    return set(conn.execute(query).scalars())


def problems(conn: Connection, limit: int = 100) -> list[dict[str, Any]]:
    """Failed and unconfirmed mails, newest first: what the admin must look at."""
    query = (
        select(
            outbox.c.id,
            outbox.c.kind,
            outbox.c.period,
            outbox.c.recipient,
            outbox.c.message_id,
            outbox.c.status,
            outbox.c.attempts,
            outbox.c.last_error,
            outbox.c.updated_at,
        )
        .where(outbox.c.status.in_(PROBLEMS))
        .order_by(outbox.c.updated_at.desc(), outbox.c.id.desc())
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def pending(conn: Connection) -> int:
    """Rows that a worker could still send (now or later)."""
    query = (
        select(func.count())
        .select_from(outbox)
        .where(outbox.c.status.in_(("queued", "sending", "committed")))
    )
    return conn.execute(query).scalar_one()


def _forget_mailed(conn: Connection, outbox_id: int) -> None:
    # A digest that never went out did not show its papers: "for you" may offer them again.
    conn.execute(delete(mailed_papers).where(mailed_papers.c.outbox_id == outbox_id))
