"""The fixtures every test can use: one set, the same names and meanings everywhere.

Stores
  ``db``: a migrated :class:`~dailypapers.db.Database`, once on SQLite and once on PostgreSQL
  (``DAILYPAPERS_TEST_BACKENDS=sqlite`` narrows it for a quick loop). Empty unless the test (or
  its module, with ``pytestmark``) asks for a template with ``@pytest.mark.store("feed")``:
  ``feed``, ``june``, ``api`` or ``search`` (:mod:`tests.support.corpora` says what each holds), built once
  per session and copied for each test (:mod:`tests.support.stores`).
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

Tuning
  ``quick`` (every test): the tuning constants that make production polite or safe but tests
  slow (arXiv's 3 s spacing, HTTP backoff, argon2's 64 MiB) set for speed, in one place.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from dailypapers.accounts import passwords
from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db import Database, connect, migrate
from dailypapers.digest import worker
from dailypapers.ingest import arxiv_api, http
from dailypapers.papers import changes
from dailypapers.search import embedder, semantic
from dailypapers.store import embeddings as embedding_store
from dailypapers.web.app import create_app
from tests.support import corpora, data, pg, replay, stores, web
from tests.support.mail import SinkHandler, free_port

BACKENDS = [b.strip() for b in os.environ.get("DAILYPAPERS_TEST_BACKENDS",
                                             "sqlite,postgresql").split(",") if b.strip()]
MAIL_BASE_URL = "https://papers.example.org"


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
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    embedder.load(folder)  # exports and quantises the model once for the whole session
    return folder


@pytest.fixture(scope="session")
def onnx(model_dir: Path) -> embedder.Embedder:
    return embedder.load(model_dir)


@pytest.fixture(scope="session")
def search_corpus(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> list[Path]:
    return corpora.search_files(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def corpus_vectors(search_corpus: list[Path], onnx: embedder.Embedder) -> dict[str, bytes]:
    """Vector bytes of every search corpus paper, keyed by the hash of its embedded text."""
    from dailypapers.ingest import importer

    texts = {}
    for path in search_corpus:
        for item in importer.records_from(path):
            paper = getattr(item, "paper", item)
            text = embedder.paper_text(paper.title, " ".join(paper.abstract.split()))
            texts[embedder.text_hash(text)] = text
    hashes = list(texts)
    vectors = onnx.embed_texts([texts[h] for h in hashes])
    return {h: embedding_store.to_bytes(v) for h, v in zip(hashes, vectors, strict=True)}


def store_vectors(db: Database, vectors: dict[str, bytes]) -> int:
    """Save the session's vectors for every stored paper lacking one (through the store)."""
    with db.read() as conn:
        rows = embedding_store.pending(conn, embedder.MODEL_NAME, limit=100_000)
    saved = []
    for row in rows:
        digest = embedder.text_hash(embedder.paper_text(row["title"], row["abstract"]))
        if digest in vectors:
            saved.append({"paper_id": row["id"], "model": embedder.MODEL_NAME,
                          "content_hash": row["content_hash"], "text_hash": digest,
                          "vector": vectors[digest]})
    with db.write() as conn:
        embedding_store.save(conn, saved)
    return len(saved)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> stores.Templates:
    return stores.Templates(tmp_path_factory.mktemp("templates"), {
        "empty": lambda db: None, "feed": corpora.feed, "june": corpora.june, "api": corpora.api,
    })


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
        templates.builders["search"] = lambda db: (corpora._import(db, corpus),
                                                   store_vectors(db, vectors))
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
    return Settings(data_dir=tmp_path / "data", database_url=db_url,
                    secret_key="test-secret-key-not-for-production",
                    base_url="http://testserver", harvest_sources=[], jobs=[])


@pytest.fixture
def search_settings(settings: Settings, model_dir: Path) -> Settings:
    """``settings`` with the session's embedding model (no export per test)."""
    return settings.model_copy(update={"search_model_dir": model_dir})


@pytest.fixture
def indexed(db: Database, search_settings: Settings) -> Database:
    """``db`` with its vector index snapshot written (for a ``search`` template store)."""
    from dailypapers.search import indexing

    indexing.write_snapshot(db, search_settings)
    return db


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


# -- the site ----------------------------------------------------------------------------------


@pytest.fixture
def app(settings: Settings, db: Database):
    return create_app(settings, db)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def as_user(app) -> Iterator[Callable[[User], TestClient]]:
    """``as_user(alice)``: a TestClient of its own, signed in as alice through the form."""
    opened: list[TestClient] = []

    def make(user: User) -> TestClient:
        test_client = TestClient(app, raise_server_exceptions=False)
        test_client.__enter__()
        opened.append(test_client)
        return web.sign_in(test_client, user)

    yield make
    for test_client in opened:
        test_client.__exit__(None, None, None)


@pytest.fixture
def live_server(app) -> Iterator[str]:
    import uvicorn

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


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=web.CHROMIUM,
                                              args=web.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A tab at 1280 px on the live server; ``page.dialogs`` and ``page.console_errors`` collect
    any alert() (script injected through content ran) and console errors (a CSP violation, a
    failed asset)."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.console_errors = []
    tab.on("console", lambda message: message.type == "error"
           and tab.console_errors.append(message.text))
    yield tab
    context.close()


# -- outside services ----------------------------------------------------------------------------


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


@pytest.fixture
def sink() -> Iterator[SinkHandler]:
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.controller = controller
    yield handler
    controller.stop()


@pytest.fixture
def mail_settings(settings: Settings, sink: SinkHandler) -> Settings:
    return settings.model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": sink.controller.port, "base_url": MAIL_BASE_URL,
        "mail_from": "dailypapers <digest@papers.example.org>",
    })
