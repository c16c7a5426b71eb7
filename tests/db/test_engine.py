"""The engine stores text without NUL characters on both backends (PostgreSQL refuses them)."""

from sqlalchemy import select

from dailypapers.db.schema import papers, users
from dailypapers.store import users as user_store


def test_it_stores_and_looks_up_text_with_nul_characters_without_failing(db):
    with db.write() as conn:
        conn.execute(
            papers.insert().values(
                arxiv_id="2401.00001",
                title="Zero\x00 byte",
                authors=["A\x00lice"],
                categories=[],
                content_hash="x",
                source="test",
            )
        )
    with db.read() as conn:
        row = conn.execute(select(papers.c.title, papers.c.authors)).one()
        assert row == ("Zero byte", ["Alice"])
        assert user_store.get_by_username(conn, "\x00") is None
        assert conn.execute(select(users).where(users.c.username == "al\x00ice")).first() is None
