"""Harvest runs: resumable OAI-PMH lists, leases, windows, the arXiv API source, the CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.ingest import harvest
from dailypapers.store import harvest as harvest_store
from dailypapers.store import papers as paper_store

from tests.replay import ARXIV_API_PATH, OAI_PMH_PATH, Answer, recorded_bytes

PAGE_ONE = {"verb": "ListRecords", "metadataPrefix": "arXivRaw", "from": "2014-10-01"}
PAGE_TWO = {"verb": "ListRecords", "resumptionToken": "726959|1001"}
FIRST_PAGE_IDS = ["0704.0471", "0704.0716", "0704.0874", "0704.1109", "0704.1114", "0704.1586"]


def _stored(db, ids):
    with db.read() as conn:
        return sorted(paper_store.by_arxiv_ids(conn, ids))


def test_an_interrupted_oai_harvest_resumes_from_its_stored_token(db, net_settings,
                                                                  oai_pmh_server,
                                                                  oai_pmh_replay):
    page_two = oai_pmh_replay.routes[(OAI_PMH_PATH, tuple(sorted(PAGE_TWO.items())))][0]
    oai_pmh_replay.add(OAI_PMH_PATH, PAGE_TWO, Answer(500, b"Internal Server Error"))
    settings = net_settings(oai_pmh_url=oai_pmh_server)

    [first] = harvest.harvest(db, settings, ["oai-pmh"], start=date(2014, 10, 1))
    assert "HTTP 500" in first.error
    assert first.summary.new == 6
    assert _stored(db, FIRST_PAGE_IDS) == FIRST_PAGE_IDS
    with db.read() as conn:
        cursor = harvest_store.get(conn, "oai-pmh:arXivRaw:*")["cursor"]
        state = harvest_store.get(conn, "oai-pmh")
    assert cursor["token"] == "726959|1001" and cursor["pages"] == 1
    assert state["last_error"] == first.error and state["last_success_at"] is None

    oai_pmh_replay.add(OAI_PMH_PATH, PAGE_TWO, page_two)
    [second] = harvest.harvest(db, settings, ["oai-pmh"], start=date(2014, 10, 1))
    assert second.ok and second.summary.new == 1
    assert _stored(db, ["1302.2146"]) == ["1302.2146"]
    assert len(oai_pmh_replay.requests_to(OAI_PMH_PATH, **PAGE_ONE)) == 1  # page 1 not again
    assert len(oai_pmh_replay.requests_to(OAI_PMH_PATH, **PAGE_TWO)) == 2
    with db.read() as conn:
        assert harvest_store.get(conn, "oai-pmh:arXivRaw:*")["cursor"]["token"] is None
        assert harvest_store.get(conn, "oai-pmh")["last_error"] is None


def test_a_harvest_with_other_parameters_does_not_take_a_stored_token(db, net_settings,
                                                                     oai_pmh_server,
                                                                     oai_pmh_replay):
    with db.write() as conn:
        harvest_store.save_cursor(conn, "oai-pmh:arXivRaw:*", {
            "params": {"prefix": "arXivRaw", "set": None, "from": "2014-09-01", "until": None},
            "token": "726959|1001", "pages": 1})
    settings = net_settings(oai_pmh_url=oai_pmh_server)
    [result] = harvest.harvest(db, settings, ["oai-pmh"], start=date(2014, 10, 1))
    assert result.ok and result.summary.new == 7
    assert oai_pmh_replay.requests[0].params == PAGE_ONE


def test_an_expired_token_restarts_the_window_cleanly(db, net_settings, oai_pmh_server,
                                                      oai_pmh_replay):
    params = {"prefix": "arXivRaw", "set": None, "from": "2014-10-01", "until": None}
    with db.write() as conn:  # left by an interrupted run; arXiv has forgotten token "3"
        harvest_store.save_cursor(conn, "oai-pmh:arXivRaw:*",
                                  {"params": params, "token": "3", "pages": 4})
    settings = net_settings(oai_pmh_url=oai_pmh_server)
    [result] = harvest.harvest(db, settings, ["oai-pmh"], start=date(2014, 10, 1))
    assert result.ok and result.summary.new == 7
    assert [r.params.get("resumptionToken") for r in oai_pmh_replay.requests] == [
        "3", None, "726959|1001"]


def test_no_records_match_in_a_set_is_a_successful_empty_harvest(db, net_settings,
                                                                 oai_pmh_server, oai_pmh_replay,
                                                                 shared_data):
    # arXiv's recorded noRecordsMatch (asked without dates) answers this window too.
    params = {"verb": "ListRecords", "metadataPrefix": "arXivRaw", "set": "moo",
              "from": "2026-01-01", "until": "2026-01-02"}
    body = (shared_data / "fixtures" / "oai-pmh" / "ErrorResponseNoRecordsMatch.xml").read_bytes()
    oai_pmh_replay.add(OAI_PMH_PATH, params, Answer(200, body))
    settings = net_settings(oai_pmh_url=oai_pmh_server, oai_pmh_sets=["moo"])
    [result] = harvest.harvest(db, settings, ["oai-pmh"], start=date(2026, 1, 1),
                               end=date(2026, 1, 2))
    assert result.ok and result.summary.total == 0
    assert oai_pmh_replay.requests[0].params == params


def test_only_one_worker_holds_a_source_at_a_time(db, net_settings, oai_pmh_server,
                                                  oai_pmh_replay):
    now = datetime.now(UTC)
    with db.write() as conn:
        assert harvest_store.claim(conn, "oai-pmh", "bob-worker", now + timedelta(minutes=5), now)
    with db.write() as conn:
        assert not harvest_store.claim(conn, "oai-pmh", "carol-worker",
                                       now + timedelta(minutes=5), now)
    settings = net_settings(oai_pmh_url=oai_pmh_server)
    [result] = harvest.harvest(db, settings, ["oai-pmh"], start=date(2014, 10, 1),
                               owner="alice-worker")
    assert result.skipped == "another worker (bob-worker) is harvesting it"
    assert oai_pmh_replay.requests == []
    later = now + timedelta(minutes=6)  # bob's lease ran out
    with db.write() as conn:
        assert harvest_store.claim(conn, "oai-pmh", "carol-worker", later + LEASE, later)
        harvest_store.release(conn, "oai-pmh", "carol-worker")
    [result] = harvest.harvest(db, settings, ["oai-pmh"], start=date(2014, 10, 1))
    assert result.ok
    with db.read() as conn:
        assert harvest_store.get(conn, "oai-pmh")["lease_owner"] is None


LEASE = harvest.LEASE


def test_the_window_runs_from_the_last_success_or_the_first_days(settings):
    today = date(2025, 6, 12)
    first = settings.model_copy(update={"harvest_first_days": 7})
    assert harvest.window(first, {}, None, None, today) == (date(2025, 6, 6), today)
    success = {"last_success_at": datetime(2025, 6, 10, 23, 0, tzinfo=UTC)}
    assert harvest.window(first, success, None, None, today) == (date(2025, 6, 10), today)
    assert harvest.window(first, success, date(2025, 1, 1), date(2025, 1, 2), today) == (
        date(2025, 1, 1), date(2025, 1, 2))


def test_the_arxiv_api_source_pages_a_date_query(db, net_settings, arxiv_api_server,
                                                 arxiv_api_replay, shared_data):
    # arXiv's recorded answer to another query stands in for this window's answer.
    recorded = json.loads((shared_data / "fixtures" / "arxiv-api" /
                           "q_testing_s0_m10_bc5a6c384fe9.json").read_text())["body"]
    body = recorded_bytes(recorded.replace(
        "<opensearch:totalResults>214881</opensearch:totalResults>",
        "<opensearch:totalResults>10</opensearch:totalResults>"))
    query = "(cat:cs.*) AND submittedDate:[202506090000 TO 202506102359]"
    arxiv_api_replay.add(ARXIV_API_PATH, {
        "search_query": query, "id_list": "", "sortBy": "submittedDate",
        "sortOrder": "ascending", "start": "0", "max_results": "100"}, Answer(200, body))
    settings = net_settings(arxiv_api_url=arxiv_api_server)
    [result] = harvest.harvest(db, settings, ["arxiv-api"], start=date(2025, 6, 9),
                               end=date(2025, 6, 10))
    assert result.ok, result.error
    assert result.summary.new == 10
    assert len(arxiv_api_replay.requests) == 1


def _cli_env(settings, **urls):
    env = {"DAILYPAPERS_DATABASE_URL": settings.database_url,
           "DAILYPAPERS_DATA_DIR": str(settings.data_dir),
           "DAILYPAPERS_HTTP_RETRIES": "0", "DAILYPAPERS_HTTP_BACKOFF": "0.01",
           "DAILYPAPERS_OAI_PMH_SETS": "", "DAILYPAPERS_ARXIV_API_DELAY": "0"}
    env.update({f"DAILYPAPERS_{k.upper()}": v for k, v in urls.items()})
    return env


def _summary_row(output: str) -> list[str]:
    lines = output.splitlines()
    title = next(i for i, line in enumerate(lines) if "harvest summary" in line)
    row = next(line for line in lines[title + 1:] if line.strip().startswith("│")
               and any(c.isdigit() for c in line))
    return [cell.strip() for cell in row.strip().strip("│").split("│")]


def test_the_harvest_command_prints_per_source_results_and_the_summary(settings, upstream_server,
                                                                       oai_pmh_server):
    env = _cli_env(settings, upstream_url=upstream_server, oai_pmh_url=oai_pmh_server)
    runner = CliRunner()
    args = ["harvest", "--source", "upstream", "--from", "2025-06-09", "--until", "2025-06-10"]
    first = runner.invoke(main, args, env=env)
    assert first.exit_code == 0, first.output
    assert "harvest by source" in first.output and "2025-06-09..2025-06-10" in first.output
    assert _summary_row(first.output)[:4] == ["36", "0", "0", "0"]  # new updated unchanged rej.
    again = runner.invoke(main, args, env=env)
    assert _summary_row(again.output)[:4] == ["0", "0", "36", "0"]

    oai = runner.invoke(main, ["harvest", "--source", "oai-pmh", "--from", "2014-10-01"], env=env)
    assert oai.exit_code == 0, oai.output
    assert _summary_row(oai.output)[0] == "7"


def test_the_harvest_command_fails_when_every_source_fails(settings, closed_port_url):
    env = _cli_env(settings, upstream_url=closed_port_url,
                   oai_pmh_url=closed_port_url + "/oai2")
    result = CliRunner().invoke(main, ["harvest", "--source", "upstream", "--source", "oai-pmh",
                                       "--from", "2025-06-09", "--until", "2025-06-09"], env=env)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "failed upstream: " in " ".join(result.output.split())
    assert "cannot connect" in result.output


def test_the_harvest_command_refuses_a_backwards_range(settings):
    result = CliRunner().invoke(main, ["harvest", "--source", "upstream", "--from", "2025-06-10",
                                       "--until", "2025-06-09"], env=_cli_env(settings))
    assert result.exit_code == 2
    assert "--from 2025-06-10 is after --until 2025-06-09" in result.output


@pytest.mark.parametrize("source", ["upstream"])
def test_a_second_harvest_starts_where_the_last_success_left_off(db, net_settings,
                                                                 upstream_server,
                                                                 upstream_replay, source):
    settings = net_settings(upstream_url=upstream_server, harvest_first_days=2)
    clock = lambda: datetime(2025, 6, 10, 12, tzinfo=UTC)  # noqa: E731
    [first] = harvest.harvest(db, settings, [source], clock=clock)
    assert (first.start, first.end) == (date(2025, 6, 9), date(2025, 6, 10))
    later = lambda: datetime(2025, 6, 12, 12, tzinfo=UTC)  # noqa: E731
    [second] = harvest.harvest(db, settings, [source], clock=later)
    assert (second.start, second.end) == (date(2025, 6, 10), date(2025, 6, 12))
    assert [r.params["date"] for r in upstream_replay.requests] == [
        "2025-06-09", "2025-06-10", "2025-06-10", "2025-06-11", "2025-06-12"]


def test_the_harvest_loop_keeps_going_every_interval(settings, upstream_server, upstream_replay,
                                                     tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, **_cli_env(settings, upstream_url=upstream_server),
           "DAILYPAPERS_HARVEST_INTERVAL": "0.5", "DAILYPAPERS_HARVEST_RETRY_INTERVAL": "0.5",
           "PYTHONPATH": str(root / "src")}
    log = tmp_path / "loop.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dailypapers", "harvest", "--source", "upstream", "--loop",
             "--from", "2025-06-09", "--until", "2025-06-09"],
            stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + 60
            while log.read_text().count("next harvest in") < 2:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            # SIGTERM, as a service manager stops it (SIGINT may be ignored: a shell's
            # background jobs inherit it ignored, and so would the loop).
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
    output = log.read_text()
    assert "Traceback" not in output
    days = [r.params["date"] for r in upstream_replay.requests]
    # First the window asked for, then (the loop) the days since that success.
    assert days[0] == "2025-06-09" and len(days) >= 2
    assert datetime.now(UTC).date().isoformat() in days[1:]
