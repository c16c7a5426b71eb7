"""Fixtures every test file can use.

- ``db``: a migrated, empty :class:`~dailypapers.db.Database`, once on SQLite and once on
  PostgreSQL (parametrised; ``DAILYPAPERS_TEST_BACKENDS=sqlite`` narrows it for a quick loop).
- ``settings``: Settings pointing at that database and a temporary data folder.
- ``shared_data``: the ``../shared/data`` folder, or a skip saying it is absent.
- ``arxiv_api_server`` / ``oai_pmh_server`` / ``upstream_server``: URLs to put in
  ``settings.arxiv_api_url`` / ``oai_pmh_url`` / ``upstream_url``, served by a local server
  replaying the real recorded exchanges (``tests/replay.py``); ``arxiv_api_replay`` /
  ``oai_pmh_replay`` / ``upstream_replay`` are those servers, for their request logs and for
  adding answers. Each test gets fresh servers; without ../shared they skip.
- ``live_server``: the real app (``create_app(settings, db)``) served by uvicorn on a free
  loopback port in a thread; yields its base URL (for the browser and HTTP-client tests).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from dailypapers.config import Settings
from dailypapers.db import Database, connect
from dailypapers.db import migrate
from dailypapers.db.schema import metadata

from tests import pg, replay

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared"))
BACKENDS = [
    b.strip() for b in os.environ.get("DAILYPAPERS_TEST_BACKENDS", "sqlite,postgresql").split(",")
    if b.strip()
]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip(f"{data} is absent: these tests read the real recorded data in ../shared")
    return data


@pytest.fixture(scope="session")
def shared_docs() -> Path:
    docs = SHARED / "docs"
    if not docs.is_dir():
        pytest.skip(f"{docs} is absent")
    return docs


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file; each test gets a copy (much faster than migrating again)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = connect(f"sqlite:///{path}")
    migrate.upgrade(database)
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


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


def _empty_postgresql(database: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "dailypapers.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgresql_url")
    database = connect(url, pool_size=1)
    _empty_postgresql(database)
    database.dispose()
    return url


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
        arxiv_api_delay=0.0,
        page_cache_recheck_seconds=0.0,  # tests read their writes at once on PostgreSQL too
    )


@pytest.fixture
def live_server(settings: Settings, db: Database) -> Iterator[str]:
    import uvicorn

    from dailypapers.web.app import create_app

    app = create_app(settings, db)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


# -- replayed outside services (tests/replay.py) --------------------------------------------------


@pytest.fixture
def arxiv_api_replay(shared_data: Path) -> Iterator[replay.ReplayServer]:
    server = replay.arxiv_api(shared_data / "fixtures")
    yield server
    server.stop()


@pytest.fixture
def arxiv_api_server(arxiv_api_replay: replay.ReplayServer) -> str:
    """The arXiv query API endpoint (for ``settings.arxiv_api_url``) replaying real answers."""
    return arxiv_api_replay.base_url + replay.ARXIV_API_PATH


@pytest.fixture
def oai_pmh_replay(shared_data: Path) -> Iterator[replay.ReplayServer]:
    server = replay.oai_pmh(shared_data / "fixtures")
    yield server
    server.stop()


@pytest.fixture
def oai_pmh_server(oai_pmh_replay: replay.ReplayServer) -> str:
    """The arXiv OAI-PMH endpoint (for ``settings.oai_pmh_url``) replaying real answers."""
    return oai_pmh_replay.base_url + replay.OAI_PMH_PATH


@pytest.fixture
def upstream_replay(shared_data: Path) -> Iterator[replay.ReplayServer]:
    server = replay.upstream(shared_data / "hf-daily-papers")
    yield server
    server.stop()


@pytest.fixture
def upstream_server(upstream_replay: replay.ReplayServer) -> str:
    """The upstream site's base URL (for ``settings.upstream_url``) serving the saved days."""
    return upstream_replay.base_url
