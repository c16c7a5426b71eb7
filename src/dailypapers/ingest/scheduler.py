"""The background harvester inside ``dailypapers serve``: a thread running due sources.

Started by the web app's lifespan when ``settings.harvest_sources`` is non-empty, stopped when the
app shuts down (a stop event cuts waits short, including a server's Retry-After). Every step is
:func:`dailypapers.ingest.harvest.run_due`: sources whose next run has come are harvested, a failed
one is logged and tried again after ``harvest_retry_interval``; nothing it does can stop the site
from serving. The first step after start, on an empty store, harvests the last
``harvest_first_days`` days at once. Several workers may each run one: the leases in
``harvest_state`` keep them from harvesting the same source together.
"""

from __future__ import annotations

import logging
import threading

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.ingest import harvest
from dailypapers.ingest.pipeline import Pipeline

log = logging.getLogger(__name__)

MAX_SLEEP = 60.0  # look at the schedule at least this often (another worker may have run)
MIN_SLEEP = 0.05


class Scheduler:
    def __init__(self, settings: Settings, db: Database, *, clock: harvest.Clock = harvest.utc_now,
                 pipeline: Pipeline | None = None):
        self.settings = settings
        self.db = db
        self.clock = clock
        self.pipeline = pipeline
        self.steps = 0  # completed steps, for whoever waits on them
        self._stop = threading.Event()
        self._stepped = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="dailypapers-harvest", daemon=True)

    def start(self) -> Scheduler:
        log.info("harvest scheduler started for %s", ", ".join(self.settings.harvest_sources))
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def wait_for_steps(self, count: int, timeout: float) -> bool:
        """Block until ``count`` steps have completed (tests, and anyone who must know)."""
        with self._stepped:
            return self._stepped.wait_for(lambda: self.steps >= count, timeout)

    def _run(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                harvest.run_due(self.db, self.settings, first_start=first, pipeline=self.pipeline,
                                stop=self._stop, clock=self.clock)
            except Exception:  # the site keeps serving whatever a harvest does
                log.exception("scheduled harvest step failed")
            first = False
            with self._stepped:
                self.steps += 1
                self._stepped.notify_all()
            try:
                pause = harvest.seconds_until_due(self.db, self.settings, self.clock)
            except Exception:
                log.exception("cannot read the harvest schedule")
                pause = MAX_SLEEP
            self._stop.wait(min(max(pause, MIN_SLEEP), MAX_SLEEP))
