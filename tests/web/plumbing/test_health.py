"""``/healthz`` says the process answers (no database, no session, never cached); ``/readyz``
names each check, 200 when the database answers at the schema's head."""

from __future__ import annotations

from fastapi.testclient import TestClient

from dailypapers.config import Settings
from dailypapers.db import connect
from dailypapers.web.app import create_app


def test_healthz_answers_without_a_session_a_cookie_or_a_cache(client):
    client.cookies.set("session", "anything")
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.text == "ok\n"
    assert "set-cookie" not in answer.headers and answer.headers["cache-control"] == "no-store"
    assert "content-security-policy" in answer.headers  # the site's headers all the same


def test_readyz_names_each_check_and_is_ready_on_a_migrated_store(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ready"] is True and body["failing"] == []
    assert set(body["checks"]) == {"database", "migrations", "keyword_index", "semantic_index"}
    assert body["checks"]["migrations"]["detail"].startswith("at head")
    assert body["checks"]["semantic_index"] == {"ok": True, "detail": "opens on first search"}


def test_readyz_is_503_naming_the_database_when_nothing_listens(tmp_path):
    closed = "postgresql+psycopg://nobody:nothing@127.0.0.1:9/none"  # port 9: discard, closed
    settings = Settings(data_dir=tmp_path, database_url=closed, secret_key="k" * 32, jobs=[])
    db = connect(closed)
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        answer = client.get("/readyz")
        assert client.get("/healthz").status_code == 200
    db.dispose()
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["database"]
