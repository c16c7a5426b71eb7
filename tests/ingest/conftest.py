"""Settings for the network sources (no OAI-PMH set, no scheduled source), a port where nothing
listens, and a way to see how long a retry waits. The fast tuning (no arXiv spacing, no retry,
a short backoff) is the root ``quick`` fixture's; tests of retries set ``http.RETRIES`` etc."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from dailypapers.config import Settings

SOURCES = {"oai_pmh_sets": [], "harvest_sources": []}


@pytest.fixture
def offline_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings without a database, for the sources' own tests (run once, not per backend)."""

    def make(**changes: object) -> Settings:
        return Settings(data_dir=tmp_path / "data", **{**SOURCES, **changes})

    return make


@pytest.fixture
def net_settings(settings: Settings) -> Callable[..., Settings]:
    """The ``settings`` fixture (a database on each backend) for the network sources."""

    def make(**changes: object) -> Settings:
        return settings.model_copy(update={**SOURCES, **changes})

    return make


@pytest.fixture
def closed_port_url() -> str:
    """A local URL where nothing listens: every request fails to connect at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class Stopwatch(threading.Event):
    """A stop event (as a scheduler hands the Fetcher) that is never set and notes every wait
    asked of it instead of sleeping: a test sees how long a retry would wait, at once."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        return False


@pytest.fixture
def stopwatch() -> Stopwatch:
    return Stopwatch()
