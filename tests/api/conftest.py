"""Fixtures of the API tests: real upstream days imported, an app on them, clients.

The imported days cover the feed's eras: 2024-05-27 (before upstream sent
``submittedOnDailyAt``), the ISO week 2025-W24, 2026-03-06 (organizations, project pages) and
2026-04-10 / 2026-04-16 (paper 2604.07429 entered the feed on both days), plus one arXiv listing
day (papers that never entered the feed).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from dailypapers.config import Settings
from dailypapers.db import Database
from dailypapers.ingest import importer
from dailypapers.web.app import create_app

FEED_DAYS = ["2024-05-27", "2025-06-09", "2025-06-10", "2025-06-11", "2025-06-12", "2025-06-13",
             "2026-03-06", "2026-04-10", "2026-04-16"]
LISTING_DAY = "2025-09-10"  # shares no paper with the feed days


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No response cache and no rate limits unless a test asks for them."""
    return settings.model_copy(update={"api_cache_seconds": 0.0, "api_rate_anonymous": 0,
                                       "api_rate_token": 0})


def feed_files(shared_data: Path) -> list[Path]:
    return [shared_data / "hf-daily-papers" / f"{day}.json.gz" for day in FEED_DAYS]


def upstream_day(shared_data: Path, day: str) -> list[dict]:
    with gzip.open(shared_data / "hf-daily-papers" / f"{day}.json.gz", "rt") as handle:
        return json.load(handle)


@pytest.fixture
def imported(db: Database, shared_data: Path) -> Database:
    paths = [*feed_files(shared_data), shared_data / "arxiv-listings" / f"{LISTING_DAY}.jsonl.gz"]
    summary = importer.import_paths(db, paths)
    assert summary.rejected == 0
    return db


@pytest.fixture
def client(settings: Settings, imported: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, imported)) as test_client:
        yield test_client


def make_user(db: Database, username: str) -> int:
    """A local account (as sign-up would make it) for the writes tests."""
    from dailypapers.db.schema import users

    with db.write() as conn:
        return conn.execute(users.insert().values(
            username=username, email=f"{username}@example.org", password_hash="not-used",
            fullname=username.title())).inserted_primary_key[0]


def make_token(db: Database, user_id: int, kind: str = "api", name: str = "test") -> str:
    from dailypapers.store import tokens as token_store

    with db.write() as conn:
        secret, _row = token_store.create(conn, user_id, kind, name)
    return secret


@pytest.fixture
def alice(imported: Database) -> dict:
    user_id = make_user(imported, "alice")
    return {"id": user_id, "token": make_token(imported, user_id)}


@pytest.fixture
def bob(imported: Database) -> dict:
    user_id = make_user(imported, "bob")
    return {"id": user_id, "token": make_token(imported, user_id)}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
