"""The harvest job's step, for ``dailypapers serve``'s background thread and ``harvest --loop``.

Each step harvests the configured sources whose time has come (:func:`harvest.run_due`); a
failed source is tried again after ``harvest.RETRY_INTERVAL``. The first step of a process, on
an empty store, harvests the last ``harvest.FIRST_DAYS`` days at once. Several workers may each
run the job: the leases in ``harvest_state`` keep them from harvesting one source together.
"""

from __future__ import annotations

import threading

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.ingest import harvest
from dailypapers.ingest.pipeline import Pipeline

# Look at the schedule at least once a minute: another worker may have harvested meanwhile, or
# an operator changed a source's next run.
MAX_PAUSE = 60.0


class HarvestJob:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        pipeline: Pipeline | None = None,
        clock: harvest.Clock = harvest.utc_now,
    ):
        self.db = db
        self.settings = settings
        self.pipeline = pipeline
        self.clock = clock
        self.first = True
        self.results: list[harvest.SourceResult] = []  # the latest step's, for whoever shows them

    def __call__(self, stop: threading.Event) -> float:
        first, self.first = self.first, False
        self.results = harvest.run_due(
            self.db,
            self.settings,
            first_start=first,
            pipeline=self.pipeline,
            stop=stop,
            clock=self.clock,
        )
        return min(harvest.seconds_until_due(self.db, self.settings, self.clock), MAX_PAUSE)
