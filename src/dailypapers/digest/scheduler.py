"""The digest scheduler ``dailypapers serve`` runs in-process: a background thread that composes
and sends what is due every ``digest_interval`` seconds. Any error is logged and the next round
comes anyway; ``stop()`` ends it between two mails (claimed rows are given back)."""

from __future__ import annotations

import logging
import threading

from dailypapers.config import Settings
from dailypapers.db import Database
from dailypapers.digest import jobs

log = logging.getLogger(__name__)


class DigestScheduler:
    def __init__(self, db: Database, settings: Settings):
        self.db = db
        self.settings = settings
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.rounds = 0
        self.failures = 0

    def start(self) -> DigestScheduler:
        self.thread = threading.Thread(target=self._loop, name="digest-scheduler", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def run_round(self) -> None:
        try:
            composed, sent = jobs.run_once(self.db, self.settings, stop=self.stopping)
            if composed.composed or sent.sent or sent.failed or sent.retried:
                log.info("digests: %d composed, %d sent, %d to retry, %d failed",
                         composed.composed, sent.sent, sent.retried, sent.failed)
        except Exception:  # noqa: BLE001 - the scheduler outlives any one failure
            self.failures += 1
            log.exception("digest round failed; trying again in %.0f s",
                          self.settings.digest_interval)
        finally:
            self.rounds += 1

    def _loop(self) -> None:
        while not self.stopping.is_set():
            self.run_round()
            self.stopping.wait(self.settings.digest_interval)
