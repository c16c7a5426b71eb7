"""The outbox worker: sends composed mails over SMTP, several workers at once, crash-safe.

Each mail is claimed under a lease, sent up to its end of data, decided at its commit point and
only then handed over: the exact guarantee (never twice; nothing lost before the commit point;
what a kill between the two can leave) is the docstring of
:mod:`dailypapers.digest.commit_point`.

Everything else a worker does is idempotent: composing relies on the outbox's unique
(subscription, period); claims are conditional updates (PostgreSQL: ``FOR UPDATE SKIP LOCKED``;
SQLite: ``BEGIN IMMEDIATE`` serialises writers), so any number of workers may run at once.
Temporary failures (4xx, refused connection, timeout) retry with exponential backoff up to
``MAX_ATTEMPTS``; permanent ones (5xx) are recorded as ``failed`` for the admin.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dailypapers.background import LeaseWorker
from dailypapers.config import Settings
from dailypapers.db import Database
from dailypapers.digest import deliver, render
from dailypapers.digest.commit_point import CommitPoint
from dailypapers.store import outbox as outbox_store
from dailypapers.tally import SendingTally

log = logging.getLogger(__name__)

# Seconds a worker owns a claimed row; a row whose worker died is taken over after this, so it
# must exceed the longest SMTP transaction (a few commands of at most deliver.TIMEOUT each).
LEASE = 300.0
# SMTP connections a worker keeps open: four keep a relay busy without looking like a flood.
CONNECTIONS = 4
BATCH = 50  # rows claimed at once, shared among the connections
# Temporary failures (4xx, refused connections, timeouts) before a mail is given up: with the
# backoff below, twelve attempts span about two days, as long as relays keep mail themselves.
MAX_ATTEMPTS = 12
RETRY_BASE = 60.0  # seconds before the first retry; doubling each attempt...
RETRY_MAX = 6 * 3600.0  # ...up to six hours between two attempts


@dataclass
class SendSummary(SendingTally):
    """What a sending run did with the mail outbox's rows: sent (the server said 250), left
    unconfirmed (maybe delivered, never resent), and the outcomes of every outbox (a cancelled
    mail's address no longer wants mail)."""

    sent: int = 0
    unconfirmed: int = 0


class Sender(LeaseWorker[Database, Settings], CommitPoint):
    """Sends what the outbox holds until nothing is sendable now (or ``stop`` is set)."""

    def __init__(self, db: Database, settings: Settings, **identity: Any):
        """``identity``: ``worker_id``, ``clock``, ``stop`` (:class:`LeaseWorker`)."""
        super().__init__(db, settings, **identity)
        self.sender_address = render.envelope_sender(settings)
        self.lease = LEASE
        self.summary = SendSummary()
        # 250 replies not recorded yet: written in the same transaction as the next commit point
        # or claim (any connection's), which halves the commits per mail. Until then the row stays
        # "committed" (a crash makes it "unconfirmed", never resent): batching costs no safety.
        self.accepted: list[tuple[int, str, datetime]] = []

    def run(self) -> SendSummary:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(self._run())
        else:
            # Called from inside a running loop (an async caller, or Playwright's sync API in
            # the same thread): loops cannot nest, so this run gets a thread and loop of its own.
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(asyncio.run, self._run()).result()
        return self.summary

    async def _run(self) -> None:
        now = self.clock()
        with self.db.write() as conn:
            settled = outbox_store.settle_in_doubt(conn, now)
            self.summary.cancelled += outbox_store.cancel_inactive(conn, now)
        if settled:
            self.summary.unconfirmed += settled
            log.warning(
                "%d mail(s) whose worker died after handing them over are now "
                "'unconfirmed' (see `dailypapers digest status`)",
                settled,
            )
        connections = max(1, CONNECTIONS)
        per_claim = max(1, BATCH // connections)
        await asyncio.gather(*(self._connection(per_claim) for _ in range(connections)))

    async def _connection(self, per_claim: int) -> None:
        smtp = deliver.Smtp(self.settings)
        try:
            while not self.stop.is_set():
                rows = self._claim(per_claim)
                if not rows:
                    return
                while rows and not self.stop.is_set():
                    row = rows.pop(0)
                    if not smtp.connected:
                        try:
                            await smtp.connect()
                        except deliver.SmtpError as error:
                            # The server is down: this mail waits (backoff), the rest go back.
                            self._retry(row, error)
                            self._release(rows)
                            return
                    await self._send(smtp, row)
                self._release(rows)
        finally:
            self._flush_accepted()
            await smtp.quit()

    async def _send(self, smtp: deliver.Smtp, row: dict) -> None:
        try:
            message = render.message_bytes(row, self.settings)
        except Exception as error:
            log.exception("outbox row %s cannot be rendered", row["id"])
            self._fail(row, deliver.Permanent(f"cannot render: {error}"))
            return
        try:
            recipient = render.envelope_recipient(row["recipient"])
            await smtp.start(self.sender_address, recipient, message)
        except deliver.SmtpError as error:
            await self._refused(smtp, row, error)
            return
        handed_over = self._commit_point_then_hand_over(smtp, row)
        if not handed_over:
            return
        try:
            reply = await smtp.reply()
        except deliver.InDoubt as error:
            self._record(outbox_store.mark_unconfirmed, row, str(error))
            self.summary.unconfirmed += 1
            log.warning("mail %s is unconfirmed: %s", row["message_id"], error)
            return
        except deliver.SmtpError as error:
            await self._refused(smtp, row, error)
            return
        self.accepted.append((row["id"], reply, self.clock()))
        self.summary.sent += 1

    async def _refused(self, smtp: deliver.Smtp, row: dict, error: deliver.SmtpError) -> None:
        """The server refused or failed this mail: record it (5xx for good, else a retry) and
        make the connection ready for the next one."""
        if isinstance(error, deliver.Permanent):
            self._fail(row, error)
        else:
            self._retry(row, error)
        await smtp.reset()

    # -- recording outcomes -------------------------------------------------------------------

    def _claim(self, limit: int) -> list[dict]:
        now = self.clock()
        lease_until = now + timedelta(seconds=LEASE)
        accepted, self.accepted = self.accepted, []
        with self.db.write() as conn:
            self._mark_accepted(conn, accepted)
            return outbox_store.claim(conn, self.worker_id, now, lease_until, limit)

    def _flush_accepted(self) -> None:
        accepted, self.accepted = self.accepted, []
        if accepted:
            with self.db.write() as conn:
                self._mark_accepted(conn, accepted)

    def _mark_accepted(self, conn, accepted: list[tuple[int, str, datetime]]) -> None:
        for outbox_id, reply, at in accepted:
            outbox_store.mark_sent(conn, outbox_id, self.worker_id, reply, at)

    def _release(self, rows: list[dict]) -> None:
        if rows:
            with self.db.write() as conn:
                outbox_store.release(conn, [r["id"] for r in rows], self.worker_id, self.clock())

    def _retry(self, row: dict, error: deliver.SmtpError) -> None:
        attempts = row["attempts"]
        delay = min(RETRY_MAX, RETRY_BASE * 2 ** max(attempts - 1, 0))
        now = self.clock()
        with self.db.write() as conn:
            status = outbox_store.mark_retry(
                conn,
                row["id"],
                self.worker_id,
                str(error),
                now + timedelta(seconds=delay),
                now,
                MAX_ATTEMPTS,
            )
        if status == "failed":
            self.summary.failed += 1
            log.error("giving up on mail %s to %s: %s", row["message_id"], row["recipient"], error)
        else:
            self.summary.retried += 1
            log.info(
                "mail %s to %s will be retried in %.0f s: %s",
                row["message_id"],
                row["recipient"],
                delay,
                error,
            )
        self._note(error)

    def _fail(self, row: dict, error: deliver.SmtpError) -> None:
        with self.db.write() as conn:
            outbox_store.mark_failed(conn, row["id"], self.worker_id, str(error), self.clock())
        self.summary.failed += 1
        self._note(error)
        log.error(
            "mail %s to %s failed permanently: %s", row["message_id"], row["recipient"], error
        )

    def _record(self, mark: Callable, row: dict, text: str) -> None:
        with self.db.write() as conn:
            mark(conn, row["id"], self.worker_id, text, self.clock())

    def _note(self, error: Exception) -> None:
        if len(self.summary.errors) < 20:
            self.summary.errors.append(str(error))
