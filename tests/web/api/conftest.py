"""What the API tests add to the root fixtures.

- ``settings``: the root settings with the response cache and both rate limits turned off
  (``cache_seconds=0.0, api_rate_anonymous=0, api_rate_token=0``), so one test's answers and
  request counts never leak into the next assertion. A test of the cache or of the limits sets
  them back itself (``settings.model_copy(update={...})``).
- ``alice_token``: an API token of the root ``alice`` (``data.api_token(db, alice)``), for the
  many tests that call the API as her.
- ``alices`` and ``bobs``: the ``Authorization`` headers of a new API token of the root
  ``alice`` and ``bob``, for tests of what one owner may do and another may not.
- ``upstream_day(day)``: the entries of one recorded upstream day (``shared/data``), the very
  file the ``api`` template imported, to compare our answers with field for field.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db import Database
from tests.support import corpora, data


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The root settings without the response cache and without rate limits (see above)."""
    return settings.model_copy(
        update={"cache_seconds": 0.0, "api_rate_anonymous": 0, "api_rate_token": 0}
    )


@pytest.fixture
def upstream_day(shared_data: Path) -> Callable[[str], list[dict]]:
    """A reader of recorded upstream days (asking for ``shared_data`` skips without them)."""

    def read(day: str) -> list[dict]:
        with gzip.open(corpora.day_file(day), "rt") as handle:
            return json.load(handle)

    return read


@pytest.fixture
def alice_token(db: Database, alice: User) -> str:
    return data.api_token(db, alice)


@pytest.fixture
def alices(db: Database, alice: User) -> dict[str, str]:
    return data.bearer(data.api_token(db, alice))


@pytest.fixture
def bobs(db: Database, bob: User) -> dict[str, str]:
    return data.bearer(data.api_token(db, bob))
