"""The commit point of one mail and its hand-over to the SMTP server: steps 3 and 4 below.

Delivery guarantee (what a worker killed at any instant, e.g. by SIGKILL, leaves behind)
========================================================================================
SMTP cannot commit a delivery atomically with our database, so there is one moment for every
mail at which it is *decided* that this mail goes to the server: the **commit point**, a
conditional UPDATE ``sending -> committed`` that only the worker holding the row's lease can
make, and only while the address still wants mail. The order of operations is::

    1. claim       queued -> sending, lease_owner = me, lease_until = now + lease   (commit)
    2. SMTP        MAIL FROM, RCPT TO, DATA, the whole message -- but NOT the final "."
    3. commit pt   sending -> committed (if I still own it)                         (commit)
    4. hand over   write ".\\r\\n" (five bytes, synchronous, straight after 3's commit returns)
    5. record      committed -> sent on 250 | queued on 4xx | failed on 5xx           (commit)
                   (a 250 is written with the next claim or commit point: one commit fewer)

A server delivers a message only once it has read the end-of-data line of step 4; a connection
that closes before it (the worker died, or gave up) aborts the transaction (RFC 5321, 3.8).

* **Never twice.** Step 4 for a row happens at most once ever: it follows a successful step 3,
  and step 3 succeeds once per row (``sending -> committed`` by the lease owner; a row in
  ``committed`` or later is never claimed again, and nothing moves it back to ``queued`` except a
  reply in which the server *refused* it, or the admin's explicit ``digest resend``). A worker
  that lost its lease (it stalled and another took over) fails step 3 and aborts its transaction.
* **Nothing lost before the commit point.** A worker killed during 1-3 leaves the row in
  ``sending``; the server saw no end of data and discards the transaction; once the lease runs
  out another worker claims the row and sends it (same Message-ID, same bytes).
* **After the commit point the mail is handed over within microseconds.** A worker killed after
  step 4 leaves ``committed``; the server has the message. When the lease (renewed at step 3)
  runs out, the row becomes ``unconfirmed``: not resent, shown to the admin with its
  Message-ID (``dailypapers digest status``). A reply lost on a live worker is recorded the same
  way.
* **The residual window, precisely.** Exactly-once is impossible in general here: the server
  neither deduplicates nor can be asked what it received, so a worker that dies between its two
  external effects (the database's commit, the server's end of data) leaves a fact nobody can
  recover. We order them so that this can only *lose*, never duplicate, and make the window as
  short as a process allows: the instants between two consecutive system calls, with no I/O
  wait and no wake-up of another process between them, so the scheduler has no reason to
  switch away there.
  - SQLite: from the WAL write that makes the commit durable (in-process) to the ``write()`` of
    the end of data: the rest of SQLite's commit (its lock releases; never a WAL checkpoint,
    which commit points leave to the worker's other transactions), the driver's return and one
    Python call (the hand-over is prepared before the COMMIT; SQLAlchemy's bookkeeping waits
    until after it).
  - PostgreSQL: a COMMIT is decided once the server holds it (it commits even if we die right
    after), so waiting for its reply would put an fsync and two process wake-ups inside the
    window -- under CPU contention that is milliseconds. Instead the COMMIT is written with
    TCP_CORK (held in our kernel, waking nobody; a dying process's socket still flushes it,
    then FIN), the end of data is sent in the next system call, and then the cork is lifted.
  A kill inside the window leaves an ``unconfirmed`` row that the server never got: visible to
  the admin with its Message-ID, resent by ``dailypapers digest resend ID`` (a client that did
  get a first copy merges the resend by Message-ID). The same state results if the database
  fails at the commit point with its outcome unknown to us, or if the server fails after reading
  the end of data without answering (RFC 1047). Duplicates need the database to lose a commit it
  acknowledged, or PostgreSQL to refuse the COMMIT it was handed *and* stay unreachable while the
  live worker tries to record what it knows.
  The crash test (tests/digest/test_crash.py) SIGKILLs workers at random instants and requires
  every mail to arrive exactly once; it prints how many rows a kill left in doubt.

Everything else a worker does is idempotent: composing relies on the outbox's unique
(subscription, period); claims are conditional updates (PostgreSQL: ``FOR UPDATE SKIP LOCKED``;
SQLite: ``BEGIN IMMEDIATE`` serialises writers), so any number of workers may run at once.
Temporary failures (4xx, refused connection, timeout) retry with exponential backoff up to
``worker.MAX_ATTEMPTS``; permanent ones (5xx) are recorded as ``failed`` for the admin.
"""

from __future__ import annotations

import logging
import os
import select
import socket
from datetime import datetime, timedelta

from dailypapers.digest import deliver
from dailypapers.store import outbox as outbox_store

log = logging.getLogger(__name__)


def _drain_results(pgconn) -> str | None:
    """Read the results of the query sent with ``send_query``; the error text if it failed."""
    from psycopg import pq

    error = None
    while True:
        while pgconn.is_busy():
            select.select([pgconn.socket], [], [], 1.0)
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:
            break
        if result.status != pq.ExecStatus.COMMAND_OK:
            error = (result.error_message or b"").decode(errors="replace").strip() or str(
                result.status
            )
    return error


def _commit_corked_then(
    pgconn, hand_over, lost: Exception | None, smtp: deliver.Smtp, row: dict
) -> bool:
    """Send COMMIT, held back by TCP_CORK, then the end of data; whether that went out."""
    probe = socket.socket(fileno=os.dup(pgconn.socket))  # the same socket, our own fd
    corked = probe.family in (socket.AF_INET, socket.AF_INET6)
    try:
        if corked:
            probe.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
        try:
            pgconn.send_query(b"COMMIT")
            while pgconn.flush():  # psycopg runs libpq non-blocking: make sure it all went
                select.select([], [pgconn.socket], [], 1.0)
        except BaseException:
            smtp.abort()
            raise
        try:
            if hand_over is None:
                raise lost
            hand_over()  # <- the end of data: handed over
        except deliver.SmtpError as error:
            smtp.abort()
            log.warning("end of data of %s not sent: %s", row["message_id"], error)
            return False
        return True
    finally:
        if corked:
            probe.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
        probe.close()


class CommitPoint:
    """Steps 3 and 4 of the module docstring, for :class:`~dailypapers.digest.worker.Sender`
    (which provides ``db``, ``clock``, ``worker_id``, ``accepted``, ``summary``, ``lease`` and
    the ``_mark_accepted`` / ``_retry`` / ``_record`` outcomes)."""

    def _commit_point_then_hand_over(self, smtp: deliver.Smtp, row: dict) -> bool:
        """Steps 3 and 4 of the module docstring, with nothing in between but the commit's return.

        Written against the engine rather than ``Database.write()`` so that the end of data goes
        out right after the COMMIT returns, before the pooled connection is reset and returned.
        """
        now = self.clock()
        lease_until = now + timedelta(seconds=self.lease)
        accepted, self.accepted = self.accepted, []
        with self.db.engine.connect() as conn:
            if self.db.is_postgresql:
                return self._commit_point_in(conn, smtp, row, now, lease_until, accepted)
            # SQLite checkpoints the WAL inside the COMMIT that crosses its threshold: fsyncs
            # and page copies between the durable write and the end of data. Commit points
            # leave checkpoints to the worker's other transactions.
            raw = conn.connection.dbapi_connection
            pages = raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
            raw.execute("PRAGMA wal_autocheckpoint=0")
            try:
                return self._commit_point_in(conn, smtp, row, now, lease_until, accepted)
            finally:
                raw.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")

    def _commit_point_in(
        self,
        conn,
        smtp: deliver.Smtp,
        row: dict,
        now: datetime,
        lease_until: datetime,
        accepted: list,
    ) -> bool:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        transaction = conn.begin()
        try:
            self._mark_accepted(conn, accepted)
            decided = outbox_store.commit_point(conn, row["id"], self.worker_id, now, lease_until)
            if not decided:
                # Lost the lease, or the address unsubscribed: nothing is sent.
                smtp.abort()
                if outbox_store.cancel(conn, row["id"], self.worker_id, now):
                    self.summary.cancelled += 1
                transaction.commit()
                return False
        except BaseException:
            transaction.rollback()
            self.accepted = accepted + self.accepted
            smtp.abort()
            raise
        if self.db.is_postgresql and hasattr(conn.connection.dbapi_connection, "pgconn"):
            return self._commit_and_hand_over_postgresql(conn, transaction, smtp, row, accepted)
        raw = conn.connection.dbapi_connection
        try:
            hand_over = smtp.finisher()
        except deliver.SmtpError as error:
            transaction.rollback()
            self.accepted = accepted + self.accepted
            smtp.abort()
            self._retry(row, error)  # the server never saw the end of data
            return False
        try:
            # SQLite: durable once its WAL write returns, in-process. The DBAPI's own commit,
            # then the end of data: SQLAlchemy's bookkeeping waits until after the hand-over.
            # (Another PostgreSQL driver than psycopg 3 lands here too, with the COMMIT's
            # round trip in the window.)
            raw.commit()
        except BaseException as error:
            # The commit's outcome is unknown: never hand over; put the row back if we can.
            transaction.rollback()
            self.accepted = accepted + self.accepted  # marking sent again is harmless
            smtp.abort()
            log.error("commit point of mail %s failed: %s", row["message_id"], error)
            self._retry(row, deliver.Temporary(f"database error at the commit point: {error}"))
            return False
        try:
            hand_over()  # <- the end of data is in the kernel's socket buffer
        except deliver.SmtpError as error:
            transaction.commit()
            smtp.abort()
            self._retry(row, error)  # the server never saw the end of data
            return False
        transaction.commit()  # bookkeeping: the DBAPI transaction is over already
        return True

    def _commit_and_hand_over_postgresql(
        self, conn, transaction, smtp: deliver.Smtp, row: dict, accepted: list
    ) -> bool:
        """PostgreSQL's COMMIT is decided once the server has the message, so send it and the end
        of data back to back, without waiting for the COMMIT's reply in between.

        Over TCP the COMMIT goes out corked (TCP_CORK): it sits in our kernel and wakes nobody;
        the end of data follows in the next system call; then the cork is lifted. A worker that
        dies after the first send still gets its COMMIT delivered (closing a socket flushes what
        it holds, then FIN), so the window in which a kill splits the two is one system-call
        return with no wake-up in it: not the database's fsync nor its reply.
        """
        pgconn = conn.connection.dbapi_connection.pgconn
        try:
            hand_over = smtp.finisher()
        except deliver.SmtpError as error:
            hand_over = None
            lost = error
        else:
            lost = None
        handed_over = _commit_corked_then(pgconn, hand_over, lost, smtp, row)
        status = _drain_results(pgconn)
        if status is not None:
            self.accepted = accepted + self.accepted
            error = f"database error at the commit point: {status}"
            log.error("mail %s: %s", row["message_id"], error)
        transaction.commit()  # bookkeeping only: the connection is idle already
        if status is not None:
            if handed_over:
                # We know the server has it: record that, never send it again.
                self._record(outbox_store.mark_handed_over, row, error)
                return True
            self._retry(row, deliver.Temporary(error))
            return False
        if not handed_over:
            self._retry(row, deliver.Temporary("connection lost before the end of data"))
            return False
        return True
