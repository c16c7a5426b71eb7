"""``POST /api/library/import`` (multipart ``file``) and the ``/library/import`` page: the
report's contract, the round trip of an export into a fresh account, and the refusals (an
upload over the limit refused unread, binary data, no known format)."""

from __future__ import annotations

import pytest

from dailypapers.library import collections, formats
from tests.support import data
from tests.support.web import csrf_token_of

pytestmark = pytest.mark.store("feed")

PAPERS = ["2506.09984", "2506.09350", "2506.09113"]


def _import(client, headers, name: str, body: bytes):
    return client.post(
        "/api/library/import", files={"file": (name, body, "text/plain")}, headers=headers
    )


def test_carol_imports_alices_exported_collection_into_her_fresh_account(client, db, alice, carol):
    made = collections.create(db, alice, {"title": "Shared", "private": False})
    for paper in PAPERS:
        collections.add(db, alice, made.id, paper)
    exported = client.get(f"{made.path}.bib").content
    answer = _import(client, data.bearer(data.api_token(db, carol)), "shared.bib", exported)
    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert (report["matched"], report["fetched"], report["unmatched"]) == (3, 0, [])
    (theirs,) = collections.of_user(db, carol)
    assert theirs.id == report["collection"] and theirs.title == "Imported from shared.bib"
    assert [c.arxiv_id for c in collections.shelf(db, theirs.id, carol).cards] == PAPERS


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"\x89PNG\r\n\x1a\n\x00\x00", 400), (b"hello there", 400)],
)
def test_it_refuses_what_it_cannot_import(client, db, alice, body, status):
    answer = _import(client, data.bearer(data.api_token(db, alice)), "x.bib", body)
    assert answer.status_code == status and answer.json()["parameter"] == "file"
    assert collections.of_user(db, alice) == []


def test_it_refuses_a_huge_upload_unread(client, db, alice):
    headers = data.bearer(data.api_token(db, alice))
    huge = b"@misc{a, eprint={2506.09984}}\n" * (formats.MAX_BYTES // 29 + 3000)
    assert _import(client, headers, "huge.bib", huge).status_code == 413
    assert client.post("/api/library/import", headers=headers).status_code == 400
    assert _import(client, {}, "a.txt", b"2506.09984").status_code == 401


def test_the_import_page_uploads_and_reports(as_user, alice):
    reader = as_user(alice)
    form = reader.get("/library/import")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    body = f"{PAPERS[0]}\nhttps://arxiv.org/abs/{PAPERS[1]}\nnonsense\n".encode()
    answer = reader.post(
        "/library/import",
        data={"csrf_token": csrf_token_of(form.text)},
        files={"file": ("list.txt", body, "text/plain")},
    )
    assert answer.status_code == 200 and "Imported from list.txt" in answer.text
    assert "2 entries</strong> matched" in answer.text and "nonsense" in answer.text
