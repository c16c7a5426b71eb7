"""Jobs that run step after step: a step's pause is honoured, a failing step does not end the
job, stopping waits for the step under way, and a waiting job woken by name runs at once."""

from __future__ import annotations

import logging
import threading
import time

from dailypapers import background


def test_it_runs_steps_with_the_pause_each_asks_for_until_stopped():
    seen: list[float] = []

    def step(stop: threading.Event) -> float:
        seen.append(time.monotonic())
        return 0.05

    runner = background.Runner([background.Job("tick", step)]).start()
    assert runner.jobs["tick"].wait_for_steps(3, timeout=10)
    runner.stop()
    count = len(seen)
    time.sleep(0.15)
    assert len(seen) == count  # stopped: no step after stop()
    assert all(later - earlier >= 0.04 for earlier, later in zip(seen, seen[1:], strict=False))


def test_a_failing_step_is_logged_and_the_job_goes_on(monkeypatch):
    monkeypatch.setattr(background, "RETRY_AFTER_FAILURE", 0.01)
    calls = []

    def step(stop: threading.Event) -> float:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return 0.01

    # A handler on the job logger itself: what the root logger does (other tests configure
    # it) must not decide what this test sees.
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = records.append
    background.log.addHandler(handler)
    try:
        job = background.Job("flaky", step)
        runner = background.Runner([job]).start()
        assert job.wait_for_steps(2, timeout=10)
        runner.stop()
    finally:
        background.log.removeHandler(handler)
    (record,) = records
    assert record.getMessage().startswith("flaky: step failed")
    assert "the database went away" in str(record.exc_info[1])


def test_stopping_lets_the_step_under_way_finish():
    started, finished = threading.Event(), threading.Event()

    def slow(stop: threading.Event) -> float:
        started.set()
        time.sleep(0.2)
        finished.set()
        return 60.0

    runner = background.Runner([background.Job("slow", slow)]).start()
    assert started.wait(10)
    runner.stop()
    assert finished.is_set()


def test_it_runs_a_waiting_job_at_once_when_woken():
    woken = background.Job("woken", lambda stop: 600.0)  # would wait ten minutes
    other = background.Job("other", lambda stop: 600.0)
    runner = background.Runner([woken, other]).start()
    try:
        assert woken.wait_for_steps(1, timeout=10) and other.wait_for_steps(1, timeout=10)
        background.wake("woken")
        assert woken.wait_for_steps(2, timeout=10)
        assert other.steps == 1  # a wake is for the jobs of that name only
    finally:
        runner.stop()


def test_it_does_not_lose_a_wake_that_comes_during_a_step():
    in_step, go_on = threading.Event(), threading.Event()

    def step(stop: threading.Event) -> float:
        if not in_step.is_set():
            in_step.set()
            go_on.wait(10)
        return 600.0

    job = background.Job("busy", step)
    runner = background.Runner([job]).start()
    try:
        assert in_step.wait(10)
        background.wake("busy")  # while the first step is still under way
        go_on.set()
        assert job.wait_for_steps(2, timeout=10)  # the next step came at once, not in 10 min
    finally:
        runner.stop()


def test_stopping_ends_a_long_pause_at_once():
    job = background.Job("sleepy", lambda stop: 600.0)
    runner = background.Runner([job]).start()
    assert job.wait_for_steps(1, timeout=10)
    runner.stop(timeout=30)  # the pause has ten minutes to go: only the stop can end it now
    assert not [t for t in threading.enumerate() if t.name == "dailypapers-sleepy"]
