"""The engine stores any text on both backends (PostgreSQL refuses NUL characters, both drivers
lone surrogates) and keeps the SQLite file private."""

import stat

from sqlalchemy import select

from dailypapers.db import connect, migrate
from dailypapers.db.schema import papers, users
from dailypapers.store import users as user_store


def _stored(db, title: str, authors: list[str]) -> tuple[str, list[str]]:
    """The title and authors of a paper row written with these, as read back."""
    with db.write() as conn:
        conn.execute(
            papers.insert().values(
                arxiv_id="2401.00001",
                title=title,
                authors=authors,
                categories=[],
                content_hash="x",
                source="test",
            )
        )
    with db.read() as conn:
        return tuple(conn.execute(select(papers.c.title, papers.c.authors)).one())


def test_it_stores_and_looks_up_text_with_nul_characters_without_failing(db):
    assert _stored(db, "Zero\x00 byte", ["A\x00lice"]) == ("Zero byte", ["Alice"])
    with db.read() as conn:
        assert user_store.get_by_username(conn, "\x00") is None
        assert conn.execute(select(users).where(users.c.username == "al\x00ice")).first() is None


def test_it_stores_text_with_lone_surrogates_on_both_backends(db):
    stored = _stored(db, "Half \ud800 a pair", ["Bob \udfff"])
    assert stored == ("Half \ufffd a pair", ["Bob \ufffd"])


def test_it_creates_the_sqlite_file_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "site" / "dailypapers.sqlite3"
    database = connect(f"sqlite:///{path}")
    migrate.upgrade(database)
    database.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
