"""The background fetch of imported arXiv ids: arXiv unreachable is tried again later and given
up after its attempts; an id arXiv lacks is remembered and reported to the next import."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime

import pytest

from dailypapers.library import collections, fetching, importing
from tests.support import replay

pytestmark = pytest.mark.store("feed")


def _unreachable() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/api/query"


def test_it_tries_an_unreachable_arxiv_again_later_then_gives_up(db, alice, settings):
    report = importing.import_file(db, alice, "ids.txt", b"1605.08386\n")
    offline = settings.model_copy(update={"arxiv_api_url": _unreachable()})
    now = datetime.now(UTC)
    job = fetching.FetchJob(db, offline)
    assert job(threading.Event()) == 0.0  # work was due: look again at once
    assert collections.shelf(db, report.collection.id, alice).pending == ["1605.08386"]
    assert fetching.fetch_due(db, offline, now=now) == 0  # not due again yet
    for attempt in range(2, fetching.ATTEMPTS + 1):
        later = now + fetching.RETRY * attempt * attempt
        assert fetching.fetch_due(db, offline, now=later) == 0
    assert collections.shelf(db, report.collection.id, alice).pending == []
    assert job(threading.Event()) == fetching.IDLE


def test_an_id_arxiv_lacks_is_remembered_and_reported_by_the_next_import(
    db, alice, settings, arxiv_api_replay, arxiv_api_server
):
    lacking = "2601.99999"
    recorded = arxiv_api_replay.routes[(replay.ARXIV_API_PATH, _query("0000.0000"))]
    arxiv_api_replay.add(replay.ARXIV_API_PATH, _query(lacking), *recorded)  # arXiv: no entry
    first = importing.import_file(db, alice, "ids.txt", f"{lacking}\n".encode())
    arxiv = settings.model_copy(update={"arxiv_api_url": arxiv_api_server})
    assert (first.fetched, fetching.fetch_due(db, arxiv)) == (1, 0)
    again = importing.import_file(db, alice, "again.txt", f"{lacking}\n".encode())
    assert again.fetched == 0
    assert [(u.entry, u.reason) for u in again.unmatched] == [
        (lacking, f"arXiv has no paper {lacking}")
    ]


def _query(ids: str) -> tuple:
    return replay.key(
        {"search_query": "", "id_list": ids, "sortBy": "relevance", "sortOrder": "descending",
         "start": "0", "max_results": "100"}
    )  # fmt: skip
