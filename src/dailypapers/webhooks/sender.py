"""The webhook sender: posts queued deliveries, several workers at once, at least once each.

A worker claims due rows under a lease (store/webhook_deliveries.py: a conditional UPDATE,
``FOR UPDATE SKIP LOCKED`` on PostgreSQL), checks the URL's address again (the SSRF guard of
:mod:`dailypapers.webhooks.addresses`, connecting to the very address it checked) and POSTs the
frozen body, never following a redirect, with these headers:

- ``X-Dailypapers-Delivery``: the delivery's id, the same on every attempt (drop repeats by it);
- ``X-Dailypapers-Event``: ``papers``;
- ``X-Dailypapers-Signature-256``: ``sha256=`` and the hex HMAC-SHA256 of the body under the
  webhook's secret (GitHub's convention).

What the receiver answers decides: 2xx is delivered; 5xx, 429 (waiting at least its
``Retry-After``), a timeout or no connection is tried again later with exponential backoff and
jitter, with the same delivery id, until the delivery is ``GIVE_UP_AFTER`` old (then failed);
any other answer (a 3xx, a 4xx, 410 Gone) stops the webhook, its reason (the status and the
start of the body) kept for the owner, and cancels what it had left to send.

A worker killed mid-request leaves its rows ``sending``; when the lease runs out another worker
sends them again. Nothing is lost, and a receiver may see a delivery twice (same id): HTTP has
no commit point to do better with.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from dailypapers.background import LeaseWorker
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.store import webhook_deliveries as delivery_store
from dailypapers.store import webhooks as webhook_store
from dailypapers.tally import SendingTally
from dailypapers.webhooks import addresses
from dailypapers.webhooks.errors import InvalidUrl, Unresolvable

log = logging.getLogger(__name__)

# Seconds a receiver has to connect, take the body and start answering; Slack and Discord answer
# in well under a second, and a slow receiver must not hold a worker.
TIMEOUT = 10.0
# Rows claimed at once, sent one after another: at most BATCH * (connect + read timeouts) = 200 s
# of work, within the lease below.
BATCH = 10
# Seconds a worker owns a claimed row; a row whose worker died is sent again after this.
LEASE = 300.0
RETRY_BASE = 30.0  # seconds before the first retry, doubling each attempt...
RETRY_MAX = 3600.0  # ...up to an hour between two attempts
# A delivery still failing a day after it was queued is given up: the papers are old news, and
# a receiver down that long has the feed's page to catch up from.
GIVE_UP_AFTER = timedelta(days=1)
SNIPPET = 200  # characters of a refusing receiver's body kept in the reason shown to the owner
READ_AT_MOST = 4096  # bytes of an answer read at all: the rest is never downloaded
EVENT = "papers"


def signature(secret: str, body: bytes) -> str:
    """The ``X-Dailypapers-Signature-256`` header of ``body``: what a receiver recomputes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class DeliverySummary(SendingTally):
    """What a sending run did with the webhooks' outbox: delivered (2xx), the outcomes of every
    outbox (failed: given up, or refused), and of those refused, stopped (the webhook stopped)."""

    delivered: int = 0
    stopped: int = 0


@dataclass(frozen=True, slots=True)
class Answer:
    """What a receiver said: its status, reason phrase, ``Location``, ``Retry-After`` and the
    start of its body."""

    status: int
    phrase: str
    location: str | None
    retry_after: str | None
    snippet: str


class Sender(LeaseWorker[Database, Settings]):
    """Sends every due delivery once (or until ``stop`` is set)."""

    def __init__(self, db: Database, settings: Settings, **identity: Any):
        """``identity``: ``worker_id``, ``clock``, ``stop`` (:class:`LeaseWorker`)."""
        super().__init__(db, settings, **identity)
        self.summary = DeliverySummary()
        self.tried: set[int] = set()  # rows attempted in this run: a retry waits for the next
        self.halted: set[int] = set()  # webhooks stopped in this run: nothing more goes to them

    def run(self) -> DeliverySummary:
        with self.db.write() as conn:
            self.summary.cancelled += delivery_store.cancel_stopped(conn, self.clock())
        headers = {"User-Agent": self.settings.user_agent, "Content-Type": "application/json"}
        with httpx.Client(
            follow_redirects=False, timeout=TIMEOUT, trust_env=False, headers=headers
        ) as client:
            while not self.stop.is_set():
                rows = self._claim()
                fresh = [row for row in rows if row["id"] not in self.tried]
                self._release([row for row in rows if row["id"] in self.tried])
                if not fresh:
                    break
                while fresh and not self.stop.is_set():
                    row = fresh.pop(0)
                    self.tried.add(row["id"])
                    if row["webhook_id"] in self.halted:
                        self._release([row])  # cancelled below, with the rest of its webhook's
                    else:
                        self._deliver(client, row)
                self._release(fresh)
        if self.halted:
            with self.db.write() as conn:
                self.summary.cancelled += delivery_store.cancel_stopped(conn, self.clock())
        return self.summary

    def _claim(self) -> list[dict]:
        now = self.clock()
        with self.db.write() as conn:
            return delivery_store.claim(
                conn, self.worker_id, now, now + timedelta(seconds=LEASE), BATCH
            )

    def _release(self, rows: list[dict]) -> None:
        if rows:
            with self.db.write() as conn:
                delivery_store.release(conn, [r["id"] for r in rows], self.worker_id, self.clock())

    def _deliver(self, client: httpx.Client, row: dict) -> None:
        try:
            target = addresses.check(row["url"], allow_private=self.settings.webhook_allow_private)
        except Unresolvable as error:
            self._retry(row, str(error), None, None)
            return
        except InvalidUrl as error:
            self._stop(row, f"its address is not allowed any more: {error}", None)
            return
        error: Exception | None = None
        for address in target.addresses:  # each was checked; the next may answer (IPv4 or 6)
            try:
                answer = self._post(client, row, target, address)
            except httpx.ConnectError as refused:
                error = refused
                continue
            except httpx.TimeoutException:
                self._retry(row, f"no answer within {TIMEOUT:.0f} s", None, None)
                return
            except httpx.HTTPError as broken:
                error = broken
                break
            self._decide(row, answer)
            return
        said = str(error) or type(error).__name__
        self._retry(row, f"cannot reach {target.host}: {said}", None, None)

    def _post(
        self, client: httpx.Client, row: dict, target: addresses.Target, address: str
    ) -> Answer:
        body = row["body"].encode("utf-8")
        headers = {
            "Host": target.host_header,
            "X-Dailypapers-Delivery": row["delivery_id"],
            "X-Dailypapers-Event": EVENT,
            "X-Dailypapers-Signature-256": signature(row["secret"], body),
        }
        # TLS names the host, not the address, so its certificate is checked against the host.
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        url = addresses.connect_url(target, address)
        request = client.build_request(
            "POST", url, content=body, headers=headers, extensions=extensions
        )
        response = client.send(request, stream=True)
        try:
            start = b""
            for chunk in response.iter_bytes():  # decoded, and no further than needed
                start += chunk
                if len(start) >= READ_AT_MOST:
                    break
        finally:
            response.close()
        text = " ".join(start[:READ_AT_MOST].decode("utf-8", "replace").split())
        return Answer(
            response.status_code,
            response.reason_phrase,
            response.headers.get("location"),
            response.headers.get("retry-after"),
            text[:SNIPPET],
        )

    def _decide(self, row: dict, answer: Answer) -> None:
        status = answer.status
        said = f"HTTP {status} {answer.phrase}".rstrip()
        if 200 <= status < 300:
            now = self.clock()
            with self.db.write() as conn:
                delivery_store.mark_delivered(conn, row["id"], self.worker_id, status, now)
                webhook_store.delivered(conn, row["webhook_id"], now)
            self.summary.delivered += 1
        elif status >= 500 or status == 429:
            self._retry(row, f"{said}: {answer.snippet}".rstrip(": "), status, answer.retry_after)
        elif 300 <= status < 400:
            where = f" to {answer.location}" if answer.location else ""
            self._stop(row, f"{said}, a redirect{where}: redirects are not followed", status)
        else:
            self._stop(row, f"{said}: {answer.snippet}".rstrip(": "), status)

    def _retry(self, row: dict, error: str, status: int | None, retry_after: str | None) -> None:
        now = self.clock()
        backoff = min(RETRY_MAX, RETRY_BASE * 2 ** max(row["attempts"] - 1, 0))
        delay = backoff / 2 + random.uniform(0, backoff / 2)  # jitter: retries spread out
        delay = max(delay, _seconds(retry_after, now))
        if now + timedelta(seconds=delay) > row["queued_at"] + GIVE_UP_AFTER:
            self._fail(row, f"gave up after {row['attempts']} attempts: {error}", status)
            return
        with self.db.write() as conn:
            delivery_store.mark_retry(
                conn,
                row["id"],
                self.worker_id,
                error=error,
                status=status,
                next_attempt_at=now + timedelta(seconds=delay),
                now=now,
            )
        self.summary.retried += 1
        self._note(error)
        log.info(
            "webhook delivery %s will be retried in %.0f s: %s", row["delivery_id"], delay, error
        )

    def _fail(self, row: dict, error: str, status: int | None) -> None:
        with self.db.write() as conn:
            delivery_store.mark_failed(
                conn, row["id"], self.worker_id, error=error, status=status, now=self.clock()
            )
        self.summary.failed += 1
        self._note(error)
        log.warning("webhook delivery %s failed: %s", row["delivery_id"], error)

    def _stop(self, row: dict, reason: str, status: int | None) -> None:
        """The receiver refused for good: this delivery failed, the webhook stops with
        ``reason`` for its owner, and what it had left to send is cancelled."""
        now = self.clock()
        with self.db.write() as conn:
            delivery_store.mark_failed(
                conn, row["id"], self.worker_id, error=reason, status=status, now=now
            )
            webhook_store.stop(conn, row["webhook_id"], reason)
            self.summary.cancelled += delivery_store.cancel_stopped(conn, now)
        self.halted.add(row["webhook_id"])
        self.summary.failed += 1
        self.summary.stopped += 1
        self._note(reason)
        log.warning("webhook %s stopped: %s", row["webhook_id"], reason)

    def _note(self, error: str) -> None:
        if len(self.summary.errors) < DeliverySummary.KEPT:
            self.summary.errors.append(error)


def _seconds(retry_after: str | None, now: datetime) -> float:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date); 0 without one."""
    if not retry_after:
        return 0.0
    text = retry_after.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)
