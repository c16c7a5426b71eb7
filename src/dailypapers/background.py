"""Jobs that run step after step: ``dailypapers serve``'s background threads and the ``--loop``
of the job commands.

A job is a plain step, safe to run again at any time and in several processes at once (each
claims its work through the database: leases, conditional UPDATE, SKIP LOCKED), that returns
how many seconds to wait before the next step. :func:`run` repeats a step until told to stop; a
step that fails is logged and the next comes anyway, so nothing a job does stops the site.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

Step = Callable[[threading.Event], float]
# A failed step is tried again after a minute rather than its usual interval, which may be hours.
RETRY_AFTER_FAILURE = 60.0
SHORTEST_PAUSE = 0.05  # a step that asks for no pause still yields the CPU between steps


@dataclass
class Job:
    name: str
    step: Step
    steps: int = 0  # completed steps, failed ones included
    _done: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def run_once(self, stop: threading.Event) -> float:
        """One step; the pause it asks for (a minute after a failure)."""
        try:
            pause = self.step(stop)
        except Exception:  # the process outlives any one step
            log.exception("%s: step failed; trying again in %.0f s", self.name, RETRY_AFTER_FAILURE)
            pause = RETRY_AFTER_FAILURE
        with self._done:
            self.steps += 1
            self._done.notify_all()
        return pause

    def wait_for_steps(self, count: int, timeout: float) -> bool:
        """Block until ``count`` steps have completed (for whoever must know: tests, tools)."""
        with self._done:
            return self._done.wait_for(lambda: self.steps >= count, timeout)


def run(job: Job, stop: threading.Event) -> None:
    """Run ``job`` step after step until ``stop`` is set (a step under way finishes first)."""
    while not stop.is_set():
        pause = job.run_once(stop)
        stop.wait(max(pause, SHORTEST_PAUSE))


class Runner:
    """Jobs each in a daemon thread, started and stopped together."""

    def __init__(self, jobs: list[Job]):
        self.jobs = {job.name: job for job in jobs}
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(
                target=run, args=(job, self._stop), daemon=True, name=f"dailypapers-{job.name}"
            )
            for job in jobs
        ]

    def start(self) -> Runner:
        for thread in self._threads:
            thread.start()
        if self.jobs:
            log.info("background jobs: %s", ", ".join(self.jobs))
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)
