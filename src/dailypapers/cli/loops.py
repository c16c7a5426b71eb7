"""The ``--loop`` of the job commands: step after step until SIGTERM or Ctrl-C."""

from __future__ import annotations

import signal
import threading

import click


def stop_on_sigterm() -> threading.Event:
    """An event set by SIGTERM, which is how systemd or docker stop a service: the step under
    way finishes, then the loop ends."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    return stop


def pause(stop: threading.Event, seconds: float) -> bool:
    """Wait ``seconds`` (at least one); True when the loop should end instead."""
    try:
        return stop.wait(max(seconds, 1.0))
    except KeyboardInterrupt:
        return True


def loop_option(keeps_going: str):
    """A job command's ``--loop`` flag; ``keeps_going`` says what the command does then."""
    return click.option("--loop", is_flag=True, help=keeps_going)
