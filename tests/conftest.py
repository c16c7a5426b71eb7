"""The fixtures every test can use: one set, the same names and meanings everywhere.

Stores
  ``db``: a migrated :class:`~dailypapers.db.Database`, once on SQLite and once on PostgreSQL
  (``DAILYPAPERS_TEST_BACKENDS=sqlite`` narrows it for a quick loop; the web layer's tests run
  on SQLite but the route walkers: see ``pytest_collection_modifyitems``). Empty unless the
  test (or its module, with ``pytestmark``) asks for a template with ``@pytest.mark.store("feed")``:
  ``feed``, ``june``, ``api`` or ``search`` (:mod:`tests.support.corpora` says what each
  holds), built once a run and copied for each test (:mod:`tests.support.stores`).
  ``settings``: Settings pointing at that database and a temporary data folder;
  ``search_settings`` the same with the session's embedding model; ``indexed`` the ``db`` with
  its vector index snapshot written (for the ``search`` template).

People
  ``alice``, ``bob``, ``carol``: :class:`~dailypapers.accounts.records.User` records, signed up
  as anyone would (password ``data.PASSWORD``, ``<name>@example.org``, verified through the
  mailed link, the mail still in the outbox) and in that order: once a run, in the test's
  template (only those the test asks for), so the test's copy holds them already and their
  sign-up happened earlier in the run. ``as_user(user)``: a TestClient signed in as them
  through the form.

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
  The tests' folders live in memory; the ``slow`` tests run first (see the hooks below).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from dailypapers.accounts import passwords, registration
from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db import Database, connect, migrate
from dailypapers.digest import worker
from dailypapers.ingest import arxiv_api, http
from dailypapers.papers import changes
from dailypapers.search import embedder, keyword_index, semantic
from tests.support import corpora, pg, stores

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


WEB_TESTS = Path(__file__).parent / "web"

# Where the tests' folders go unless TMPDIR or PYTEST_DEBUG_TEMPROOT says: memory. Each test
# writes a store copy and deletes it afterwards (``tmp_path_retention_policy``); on a disk
# mounted with ``discard`` each delete waits for the device.
MEMORY = Path("/dev/shm")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "store(name): the template store the test's db starts as")
    embedder.THREADS = 1  # pytest-xdist runs a worker per core: one inference thread each
    chosen = {"TMPDIR", "PYTEST_DEBUG_TEMPROOT"} & set(os.environ)
    if not chosen and MEMORY.is_dir() and os.access(MEMORY, os.W_OK):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(MEMORY)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of the web layer (``tests/web/``) and the browser tests run on SQLite, when SQLite
    is among the backends; on PostgreSQL only those marked ``every_backend``. A route holds no
    SQL and opens no transaction (the import contract): what its test checks is the request,
    the page and the answer, the same on both. Every SQL statement and transaction is in
    ``store/`` and the domain, whose tests run on both backends, and the route walkers (the
    form fuzzer, the API fuzzer's valid requests, the security headers' walk:
    ``every_backend``) send every route their hostile values on PostgreSQL too.

    Then the order for pytest-xdist, which hands each worker one contiguous share of the list,
    and lets a worker that runs out steal from the end of another's: the slow tests are dealt
    round-robin to the start of each share (a test's two backends go to two workers), so what is
    left at the end is short tests to share, not a minute-long one that keeps one worker busy
    while the other waits."""
    if "sqlite" in BACKENDS:
        once = [item for item in items if _on_sqlite_only(item) and _backend(item) == "postgresql"]
        if once:
            config.hook.pytest_deselected(items=once)
            left_out = set(once)
            items[:] = [item for item in items if item not in left_out]
    items[:] = _dealt(items, getattr(config, "workerinput", {}).get("workercount", 1))


def _dealt(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """``items`` as ``workers`` shares of xdist's first hand-out, each led by its slow tests."""
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    rest = [item for item in items if item.get_closest_marker("slow") is None]
    hands = [slow[k::workers] for k in range(workers)]
    dealt, left = [], len(items)
    for k, hand in enumerate(hands):
        share = left // (workers - k)  # what xdist's worksteal sends this worker first
        fill = max(share - len(hand), 0)
        dealt += [*hand, *rest[:fill]]
        rest = rest[fill:]
        left -= len(hand) + fill
    return [*dealt, *rest]


def _on_sqlite_only(item: pytest.Item) -> bool:
    if _in_a_browser(item):
        return True
    of_the_web = WEB_TESTS in Path(str(item.path)).parents
    return of_the_web and item.get_closest_marker("every_backend") is None


def _in_a_browser(item: pytest.Item) -> bool:
    return "browser" in getattr(item, "fixturenames", ())


def _backend(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("db_url") if callspec else None


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
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[stores.Templates]:
    shared = stores.run_folder(tmp_path_factory) / "templates"
    shared.mkdir(exist_ok=True)
    made = stores.Templates(
        shared,
        {
            "empty": lambda db: None,
            "feed": corpora.feed,
            "june": corpora.june,
            "api": corpora.api,
        },
    )
    yield made
    made.close()


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
    # The people the test asks for (itself or through its fixtures) are in its template.
    people = tuple(person for person in stores.PEOPLE if person in request.fixturenames)
    recipe = stores.Recipe(name, people)
    if request.param == "sqlite":
        return templates.sqlite_copy(recipe, tmp_path / "dailypapers.sqlite3")
    return templates.postgresql_fill(recipe, request.getfixturevalue("postgresql_url"))


# PostgreSQL: the worker's database is the same for every test (refilled in between), so its
# connections are kept from test to test, as a site keeps its pool: a new connection costs a
# server process and its catalogue caches (tens of milliseconds, several a test).
_pools: dict[str, Database] = {}


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    if not db_url.startswith("postgresql"):
        database = connect(db_url)
        yield database
        database.dispose()
        return
    if db_url not in _pools:
        _pools[db_url] = connect(db_url)
    pool = _pools[db_url]
    yield Database(pool.engine)
    if pool.engine.pool.checkedout():  # a test left a connection out: the next starts afresh
        pool.dispose()


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
    monkeypatch.setattr(keyword_index, "REFRESH_SECONDS", 0.0)
    monkeypatch.setattr(worker, "RETRY_BASE", 0.0)
    fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "hasher", fast)
    monkeypatch.setattr(passwords, "DUMMY_HASH", fast.hash("not a password anyone has"))


# -- people --------------------------------------------------------------------------------------


@pytest.fixture
def alice(db: Database) -> User:
    return _signed_up(db, "alice")


@pytest.fixture
def bob(db: Database) -> User:
    return _signed_up(db, "bob")


@pytest.fixture
def carol(db: Database) -> User:
    return _signed_up(db, "carol")


def _signed_up(db: Database, username: str) -> User:
    """The person the test's template signed up (``db_url`` saw the test ask for them)."""
    user = registration.find(db, username)
    assert user is not None and user.email_verified, f"{username} is not in the template"
    return user
