"""Settings for the network sources: fast retries, and a port where nothing listens."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from dailypapers.config import Settings

FAST = {
    "arxiv_api_delay": 0.0,
    "http_backoff": 0.01,
    "http_retries": 0,
    "http_timeout": 10.0,
    "oai_pmh_sets": [],
    "harvest_sources": [],
}


@pytest.fixture
def offline_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings without a database, for the sources' own tests (run once, not per backend)."""

    def make(**changes: object) -> Settings:
        return Settings(data_dir=tmp_path / "data", **{**FAST, **changes})

    return make


@pytest.fixture
def net_settings(settings: Settings) -> Callable[..., Settings]:
    """The ``settings`` fixture (a database on each backend) with fast network settings."""

    def make(**changes: object) -> Settings:
        return settings.model_copy(update={**FAST, **changes})

    return make


@pytest.fixture
def closed_port_url() -> str:
    """A local URL where nothing listens: every request fails to connect at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
