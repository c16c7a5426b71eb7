"""Jobs that run step after step: ``dailypapers serve``'s background threads and the ``--loop``
of the job commands.

A job is a plain step, safe to run again at any time and in several processes at once (each
claims its work through the database: leases, conditional UPDATE, SKIP LOCKED), that returns
how many seconds to wait before the next step. :func:`run` repeats a step until told to stop; a
step that fails is logged and the next comes anyway, so nothing a job does stops the site.

A waiting job can be woken by name: :func:`wake` ("mail") makes every job of that name in this
process run its next step at once, for work that a request has just stored and that someone
is waiting for (a confirmation mail). Waking is only a shortcut: each job still finds its work
in the database on its own schedule, so a wake that is missed (another process queued the work)
costs latency, never the work.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Step = Callable[[threading.Event], float]
# A failed step is tried again after a minute rather than its usual interval, which may be hours.
RETRY_AFTER_FAILURE = 60.0
SHORTEST_PAUSE = 0.05  # a step that asks for no pause still yields the CPU between steps
# A stop event set by someone other than Runner.stop (a SIGTERM handler of a --loop command) is
# noticed within this long; Runner.stop wakes its jobs and is noticed at once.
STOP_CHECK = 1.0

# The alarm of every job in this process, by job name: what wake() sets. Weak, so a job that is
# gone (a test's) leaves nothing behind.
_alarms: dict[str, weakref.WeakSet[threading.Event]] = {}
_alarms_lock = threading.Lock()


def wake(name: str) -> None:
    """Make every job called ``name`` in this process run its next step now (a job in the middle
    of a step runs another right after it)."""
    with _alarms_lock:
        alarms = list(_alarms.get(name, ()))
    for alarm in alarms:
        alarm.set()


@dataclass
class Job:
    name: str
    step: Step
    steps: int = 0  # completed steps, failed ones included
    _done: threading.Condition = field(default_factory=threading.Condition, repr=False)
    _alarm: threading.Event = field(default_factory=threading.Event, repr=False)

    def __post_init__(self) -> None:
        with _alarms_lock:
            _alarms.setdefault(self.name, weakref.WeakSet()).add(self._alarm)

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

    def pause(self, stop: threading.Event, seconds: float) -> None:
        """Wait ``seconds``, or less: until this job is woken (:func:`wake`) or ``stop`` is set.
        A wake that came during the step just done ends the pause at once, so none is lost."""
        deadline = time.monotonic() + seconds
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or self._alarm.wait(min(left, STOP_CHECK)):
                break
        self._alarm.clear()

    def interrupt(self) -> None:
        """End the pause under way (what stopping does, so a job stops at once)."""
        self._alarm.set()

    def wait_for_steps(self, count: int, timeout: float) -> bool:
        """Block until ``count`` steps have completed (for whoever must know: tests, tools)."""
        with self._done:
            return self._done.wait_for(lambda: self.steps >= count, timeout)


def run(job: Job, stop: threading.Event) -> None:
    """Run ``job`` step after step until ``stop`` is set (a step under way finishes first)."""
    while not stop.is_set():
        pause = job.run_once(stop)
        job.pause(stop, max(pause, SHORTEST_PAUSE))


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
        for job in self.jobs.values():
            job.interrupt()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)


def utcnow() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    """The name a worker's leases carry unless told: its host, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


DatabaseT = TypeVar("DatabaseT")
SettingsT = TypeVar("SettingsT")


class LeaseWorker(Generic[DatabaseT, SettingsT]):
    """A worker of a durable outbox (the mail sender, the webhook sender): its database and
    settings, the name its leases carry (``worker_id``; :func:`worker_name` unless told), its
    ``clock`` (tests move it) and the ``stop`` it checks between two rows."""

    def __init__(
        self,
        db: DatabaseT,
        settings: SettingsT,
        *,
        worker_id: str | None = None,
        clock: Callable[[], datetime] = utcnow,
        stop: threading.Event | None = None,
    ):
        self.db = db
        self.settings = settings
        self.worker_id = worker_id or worker_name()
        self.clock = clock
        self.stop = stop or threading.Event()
