"""The fixtures every test can use: one set, the same names and meanings everywhere.

Stores
  ``db``: a migrated :class:`~dailypapers.db.Database`, once on SQLite and once on PostgreSQL
  (``DAILYPAPERS_TEST_BACKENDS=sqlite`` narrows it for a quick loop). Empty unless the test (or
  its module, with ``pytestmark``) asks for a template with ``@pytest.mark.store("feed")``:
  ``feed``, ``june``, ``api`` or ``search`` (:mod:`tests.support.corpora` says what each
  holds), built once per session and copied for each test (:mod:`tests.support.stores`).
  ``settings``: Settings pointing at that database and a temporary data folder;
  ``search_settings`` the same with the session's embedding model; ``indexed`` the ``db`` with
  its vector index snapshot written (for the ``search`` template).

People
  ``alice``, ``bob``, ``carol``: :class:`~dailypapers.accounts.records.User` records, signed up
  on ``db`` as anyone would. ``as_user(user)``: a TestClient signed in as them through the form.

The site
  ``app`` (``create_app(settings, db)``), ``client`` (an anonymous TestClient that turns server
  errors into responses), ``live_server`` (the app served by uvicorn on a loopback port),
  ``browser`` and ``page`` (Debian's Chromium through Playwright, on the live server).

Outside services
  ``arxiv_api_server`` / ``oai_pmh_server`` / ``upstream_server``: URLs of a local server
  replaying the real recorded exchanges (:mod:`tests.support.replay`); ``*_replay`` are the
  servers, for their request logs. ``sink`` is a real SMTP server on loopback and
  ``mail_settings`` the settings that mail to it.

Digests
  ``as_of``: a Tuesday 08:00 UTC in the future, when a daily digest is due; ``readers(...)``:
  confirmed subscriptions, double opt-in through ``sink`` included (:mod:`tests.support.digests`).

Tuning
  ``quick`` (every test): the tuning constants that make production polite or safe but tests
  slow (arXiv's 3 s spacing, HTTP backoff, argon2's 64 MiB) set for speed, in one place.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from dailypapers.accounts import passwords
from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db import Database, connect, migrate
from dailypapers.digest import worker
from dailypapers.ingest import arxiv_api, http
from dailypapers.papers import changes
from dailypapers.search import semantic
from tests.support import corpora, data, pg, stores

BACKENDS = [
    b.strip()
    for b in os.environ.get("DAILYPAPERS_TEST_BACKENDS", "sqlite,postgresql").split(",")
    if b.strip()
]


pytest_plugins = [
    "tests.fixtures.search",
    "tests.fixtures.site",
    "tests.fixtures.services",
    "tests.fixtures.digests",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "store(name): the template store the test's db starts as")


# -- the session's shared parts ----------------------------------------------------------------


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not corpora.DATA.is_dir():
        pytest.skip(f"{corpora.DATA} is absent: these tests read the real recorded data")
    return corpora.DATA


@pytest.fixture(scope="session")
def shared_docs() -> Path:
    docs = corpora.SHARED / "docs"
    if not docs.is_dir():
        pytest.skip(f"{docs} is absent")
    return docs


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> stores.Templates:
    shared = stores.run_folder(tmp_path_factory) / "templates"
    shared.mkdir(exist_ok=True)
    return stores.Templates(
        shared,
        {
            "empty": lambda db: None,
            "feed": corpora.feed,
            "june": corpora.june,
            "api": corpora.api,
        },
    )


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    try:
        url, name = pg.create_database()
    except (pg.Unavailable, OSError) as error:
        pytest.fail(f"PostgreSQL is required for the suite: {error}")
    database = connect(url)
    migrate.upgrade(database)
    database.dispose()
    yield url
    pg.drop_database(name)


# -- each test's store ---------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, templates: stores.Templates) -> str:
    marker = request.node.get_closest_marker("store")
    name = marker.args[0] if marker else "empty"
    if name == "search" and "search" not in templates.builders:
        vectors = request.getfixturevalue("corpus_vectors")
        corpus = request.getfixturevalue("search_corpus")
        templates.builders["search"] = lambda db: (
            corpora._import(db, corpus),
            corpora.store_vectors(db, vectors),
        )
    if name != "empty" and name != "search":
        request.getfixturevalue("shared_data")
    if request.param == "sqlite":
        return templates.sqlite_copy(name, tmp_path / "dailypapers.sqlite3")
    return templates.postgresql_fill(name, request.getfixturevalue("postgresql_url"))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = connect(db_url)
    yield database
    database.dispose()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        secret_key="test-secret-key-not-for-production",
        base_url="http://testserver",
        harvest_sources=[],
        jobs=[],
    )


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arxiv_api, "REQUEST_SPACING", 0.0)
    monkeypatch.setattr(http, "RETRIES", 0)
    monkeypatch.setattr(http, "BACKOFF", 0.01)
    monkeypatch.setattr(http, "TIMEOUT", 10.0)
    monkeypatch.setattr(changes, "RECHECK_SECONDS", 0.0)  # a write is seen at once on PostgreSQL
    monkeypatch.setattr(semantic, "REFRESH_SECONDS", 0.0)
    monkeypatch.setattr(worker, "RETRY_BASE", 0.0)
    fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "hasher", fast)
    monkeypatch.setattr(passwords, "DUMMY_HASH", fast.hash("not a password anyone has"))


# -- people --------------------------------------------------------------------------------------


@pytest.fixture
def alice(db: Database) -> User:
    return data.person(db, "alice")


@pytest.fixture
def bob(db: Database) -> User:
    return data.person(db, "bob")


@pytest.fixture
def carol(db: Database) -> User:
    return data.person(db, "carol")
