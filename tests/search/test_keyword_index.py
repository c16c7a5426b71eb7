"""The keyword index's life in a process: built when missing, caught up with the store in
proportion to what changed, shared by processes through tantivy's writer lock."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from click.testing import CliRunner
from sqlalchemy import event

from dailypapers.cli import main
from dailypapers.search import keyword_index, service
from dailypapers.search.keyword_index import KeywordIndex
from dailypapers.search.textindex import TextIndex
from dailypapers.store import papers as paper_store
from tests.support import data
from tests.support.cli import env_of

pytestmark = pytest.mark.store("search")


def keyword_ids(db, settings, text: str) -> list[str]:
    return [i.arxiv_id for i in service.search(db, settings, text, mode="keyword").items]


def test_it_builds_a_missing_keyword_index_on_the_first_search(db, search_settings):
    folder = keyword_index.folder_of(search_settings.resolved_search_index_dir)
    assert not folder.exists()
    assert keyword_ids(db, search_settings, "verifiable reward")
    with db.read() as conn:
        stored = conn.exec_driver_sql("SELECT count(*) FROM papers").scalar()
    assert len(TextIndex.open(folder)) == stored


def test_it_finds_papers_stored_after_it_was_built(db, search_settings):
    assert keyword_ids(db, search_settings, "octopus") == []
    data.store(db, data.paper("2507.00001", "Octopus arms as distributed controllers"))
    assert keyword_ids(db, search_settings, "octopus") == ["2507.00001"]


def test_it_replaces_a_paper_whose_text_changed(db, search_settings):
    first = data.paper("2507.00001", "Octopus arms", abstract="Tentacles that think.")
    data.store(db, first)
    assert keyword_ids(db, search_settings, "tentacles") == ["2507.00001"]
    data.store(db, dataclasses.replace(first, abstract="Suckers that taste.", version=2))
    assert keyword_ids(db, search_settings, "tentacles") == []
    assert keyword_ids(db, search_settings, "suckers") == ["2507.00001"]


def test_a_new_worker_catches_up_a_stale_index_and_says_so(db, search_settings, caplog):
    keyword_ids(db, search_settings, "reward")  # this process builds the index
    data.store(db, data.paper("2507.00001", "Octopus arms as distributed controllers"))
    other = KeywordIndex(keyword_index.folder_of(search_settings.resolved_search_index_dir))
    with caplog.at_level(logging.INFO, logger="dailypapers.search.keyword_index"):
        index, notice = other.get(db)
    assert notice is None and "applied 1 changed papers" in caplog.text
    assert index.document_frequency("title", "octopus") == 1


def test_it_reads_one_timestamp_and_nothing_else_when_nothing_changed(db, search_settings):
    index, _ = keyword_index.for_settings(db, search_settings).get(db)
    before = dict(keyword_index.for_settings(db, search_settings)._applied)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        keyword_index.for_settings(db, search_settings).refresh(db, index)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len([s for s in statements if "papers" in s]) == 1 and "max" in statements[-1]
    assert keyword_index.for_settings(db, search_settings)._applied == before


def test_a_worker_finding_the_writer_taken_leaves_the_work_to_its_holder(db, search_settings):
    words = keyword_index.for_settings(db, search_settings)
    index, _ = words.get(db)
    data.store(db, data.paper("2507.00001", "Octopus arms as distributed controllers"))
    holder = TextIndex.open(words.folder)
    with holder.writing():
        words.refresh(db, index)  # no error: another process is writing
        assert index.document_frequency("title", "octopus") == 0
    words._busy_until = 0.0
    words.refresh(db, index)
    assert index.document_frequency("title", "octopus") == 1


def test_a_worker_finding_another_building_the_index_searches_the_store_meanwhile(
    db, search_settings, monkeypatch
):
    monkeypatch.setattr(keyword_index, "BUSY_PAUSE", 0.04)
    folder = keyword_index.folder_of(search_settings.resolved_search_index_dir)
    builder = TextIndex.create(folder)
    words = keyword_index.for_settings(db, search_settings)
    with builder.writing():  # another worker, building the index of the small store
        assert words.get(db) == (None, keyword_index.BUILDING)
        assert keyword_ids(db, search_settings, "verifiable reward")  # the store's full text
    builder.write_meta(None)  # the other's build is done (it indexed nothing)
    words.wait(timeout=30)  # this worker opens it
    index, notice = words.get(db)  # and catches it up with the store
    words.wait(timeout=30)
    with db.read() as conn:
        stored = conn.exec_driver_sql("SELECT count(*) FROM papers").scalar()
    assert notice is None and len(index) == stored


def test_it_rebuilds_a_damaged_index(db, search_settings):
    keyword_ids(db, search_settings, "reward")
    folder = keyword_index.folder_of(search_settings.resolved_search_index_dir)
    (folder / "dailypapers.json").write_text("{not json")
    fresh = KeywordIndex(folder)
    index, notice = fresh.get(db)
    assert notice is None and len(index) > 0
    with db.read() as conn:
        assert paper_store.id_of(conn, "2506.08007") is not None


def test_the_index_command_builds_both_indexes(db, search_settings):
    env = env_of(search_settings) | {
        "DAILYPAPERS_SEARCH_MODEL_DIR": str(search_settings.search_model_dir)
    }
    result = CliRunner().invoke(main, ["index", "--quiet"], env=env)
    assert result.exit_code == 0, result.output
    assert "keyword index of" in result.output
    folder = keyword_index.folder_of(search_settings.resolved_search_index_dir)
    assert len(TextIndex.open(folder)) > 0
