"""Harvest runs: resumable OAI-PMH lists, leases, windows, the arXiv API source, the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.ingest import harvest
from dailypapers.store import harvest as harvest_store
from dailypapers.store import papers as paper_store
from tests.support.cli import argv
from tests.support.replay import ARXIV_API_PATH, OAI_PMH_PATH, Answer, key, recorded_bytes

ROOT = Path(__file__).resolve().parents[2]
PAGE_ONE = {"verb": "ListRecords", "metadataPrefix": "arXivRaw", "from": "2014-10-01"}
PAGE_TWO = {"verb": "ListRecords", "resumptionToken": "726959|1001"}
FIRST_PAGE_IDS = ["0704.0471", "0704.0716", "0704.0874", "0704.1109", "0704.1114", "0704.1586"]
ALL_IDS = sorted([*FIRST_PAGE_IDS, "1302.2146"])
LEASE = harvest.LEASE


def _stored(db, ids):
    with db.read() as conn:
        return sorted(paper_store.by_arxiv_ids(conn, ids))


def test_an_interrupted_oai_harvest_resumes_from_its_stored_token(
    db, net_settings, oai_pmh_server, oai_pmh_replay
):
    page_two = oai_pmh_replay.routes[(OAI_PMH_PATH, key(PAGE_TWO))][0]
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


def test_a_harvest_with_other_parameters_does_not_take_a_stored_token(
    db, net_settings, oai_pmh_server, oai_pmh_replay
):
    # A run from 2014-09-01 is interrupted after its first page (arXiv's recorded first page
    # stands in for that window's), leaving its token stored.
    earlier = {**PAGE_ONE, "from": "2014-09-01"}
    oai_pmh_replay.add(
        OAI_PMH_PATH, earlier, oai_pmh_replay.routes[(OAI_PMH_PATH, key(PAGE_ONE))][0]
    )
    page_two = oai_pmh_replay.routes[(OAI_PMH_PATH, key(PAGE_TWO))][0]
    oai_pmh_replay.add(OAI_PMH_PATH, PAGE_TWO, Answer(500, b"Internal Server Error"))
    settings = net_settings(oai_pmh_url=oai_pmh_server)
    [interrupted] = harvest.harvest(db, settings, ["oai-pmh"], start=date(2014, 9, 1))
    assert interrupted.error and "HTTP 500" in interrupted.error
    with db.read() as conn:
        cursor = harvest_store.get(conn, "oai-pmh:arXivRaw:*")["cursor"]
    assert cursor["params"]["from"] == "2014-09-01" and cursor["token"] == "726959|1001"

    oai_pmh_replay.add(OAI_PMH_PATH, PAGE_TWO, page_two)
    asked = len(oai_pmh_replay.requests)
    [result] = harvest.harvest(db, settings, ["oai-pmh"], start=date(2014, 10, 1))
    assert result.ok and result.summary.total == 7
    assert oai_pmh_replay.requests[asked].params == PAGE_ONE  # its own list from the start
    assert _stored(db, ALL_IDS) == ALL_IDS


def test_an_expired_token_restarts_the_window_cleanly(
    db, net_settings, oai_pmh_server, oai_pmh_replay
):
    # An interrupted run leaves token "3" stored (its first page named it; the next page
    # failed); by the next run arXiv has forgotten it (its recorded badResumptionToken).
    recorded = oai_pmh_replay.routes[(OAI_PMH_PATH, key(PAGE_ONE))][0]
    naming_three = Answer(
        recorded.status, recorded.body.replace(b">726959|1001<", b">3<"), recorded.headers
    )
    oai_pmh_replay.add(OAI_PMH_PATH, PAGE_ONE, naming_three, recorded)
    token_three = {"verb": "ListRecords", "resumptionToken": "3"}
    forgotten = oai_pmh_replay.routes[(OAI_PMH_PATH, key(token_three))][0]
    oai_pmh_replay.add(OAI_PMH_PATH, token_three, Answer(500, b"Internal Server Error"), forgotten)
    settings = net_settings(oai_pmh_url=oai_pmh_server)
    [interrupted] = harvest.harvest(db, settings, ["oai-pmh"], start=date(2014, 10, 1))
    assert interrupted.error and "HTTP 500" in interrupted.error
    with db.read() as conn:
        assert harvest_store.get(conn, "oai-pmh:arXivRaw:*")["cursor"]["token"] == "3"

    asked = len(oai_pmh_replay.requests)
    [result] = harvest.harvest(db, settings, ["oai-pmh"], start=date(2014, 10, 1))
    assert result.ok and result.summary.total == 7
    assert [r.params.get("resumptionToken") for r in oai_pmh_replay.requests[asked:]] == [
        "3",
        None,
        "726959|1001",
    ]
    assert _stored(db, ALL_IDS) == ALL_IDS
    with db.read() as conn:
        assert harvest_store.get(conn, "oai-pmh:arXivRaw:*")["cursor"]["token"] is None


def test_no_records_match_in_a_set_is_a_successful_empty_harvest(
    db, net_settings, oai_pmh_server, oai_pmh_replay, shared_data
):
    # arXiv's recorded noRecordsMatch (asked without dates) answers this window too.
    params = {
        "verb": "ListRecords",
        "metadataPrefix": "arXivRaw",
        "set": "moo",
        "from": "2026-01-01",
        "until": "2026-01-02",
    }
    body = (shared_data / "fixtures" / "oai-pmh" / "ErrorResponseNoRecordsMatch.xml").read_bytes()
    oai_pmh_replay.add(OAI_PMH_PATH, params, Answer(200, body))
    settings = net_settings(oai_pmh_url=oai_pmh_server, oai_pmh_sets=["moo"])
    [result] = harvest.harvest(
        db, settings, ["oai-pmh"], start=date(2026, 1, 1), end=date(2026, 1, 2)
    )
    assert result.ok and result.summary.total == 0
    assert oai_pmh_replay.requests[0].params == params


def test_only_one_worker_holds_a_source_at_a_time(db, net_settings, oai_pmh_server, oai_pmh_replay):
    # Bob's worker is harvesting: the server holds back its first page until told.
    first_page = oai_pmh_replay.routes.pop((OAI_PMH_PATH, key(PAGE_ONE)))[0]
    asked, answer = threading.Event(), threading.Event()
    others = oai_pmh_replay.handlers[OAI_PMH_PATH]

    def held_first_page(params: dict[str, str]) -> Answer | None:
        if params != PAGE_ONE:
            return others(params)
        if not asked.is_set():
            asked.set()
            answer.wait(30)
        return first_page

    oai_pmh_replay.handlers[OAI_PMH_PATH] = held_first_page
    settings = net_settings(oai_pmh_url=oai_pmh_server)
    bobs: list[harvest.SourceResult] = []
    bob = threading.Thread(
        target=lambda: bobs.extend(
            harvest.harvest(db, settings, ["oai-pmh"], start=date(2014, 10, 1), owner="bob-worker")
        )
    )
    bob.start()
    try:
        assert asked.wait(30)
        [result] = harvest.harvest(
            db, settings, ["oai-pmh"], start=date(2014, 10, 1), owner="alice-worker"
        )
        assert result.skipped == "another worker (bob-worker) is harvesting it"
        assert len(oai_pmh_replay.requests) == 1  # bob's only
        with db.read() as conn:
            assert harvest_store.get(conn, "oai-pmh")["lease_owner"] == "bob-worker"

        # Bob's lease runs out (he is stuck): carol's worker may take the source.
        later = datetime.now(UTC) + LEASE + timedelta(minutes=1)
        [result] = harvest.harvest(
            db,
            settings,
            ["oai-pmh"],
            start=date(2014, 10, 1),
            owner="carol-worker",
            clock=lambda: later,
        )
        assert result.ok and result.summary.new == 7
        with db.read() as conn:
            assert harvest_store.get(conn, "oai-pmh")["lease_owner"] is None
    finally:
        answer.set()
        bob.join(30)
    assert not bob.is_alive() and bobs[0].ok
    with db.read() as conn:
        assert harvest_store.get(conn, "oai-pmh")["lease_owner"] is None


def test_the_window_runs_from_the_last_success_or_the_first_days(settings, monkeypatch):
    monkeypatch.setattr(harvest, "FIRST_DAYS", 7)
    today = date(2025, 6, 12)
    assert harvest.window(settings, {}, None, None, today) == (date(2025, 6, 6), today)
    success = {"last_success_at": datetime(2025, 6, 10, 23, 0, tzinfo=UTC)}
    assert harvest.window(settings, success, None, None, today) == (date(2025, 6, 10), today)
    assert harvest.window(settings, success, date(2025, 1, 1), date(2025, 1, 2), today) == (
        date(2025, 1, 1),
        date(2025, 1, 2),
    )


def test_the_arxiv_api_source_pages_a_date_query(
    db, net_settings, arxiv_api_server, arxiv_api_replay, shared_data
):
    # arXiv's recorded answer to another query stands in for this window's answer.
    recorded = json.loads(
        (shared_data / "fixtures" / "arxiv-api" / "q_testing_s0_m10_bc5a6c384fe9.json").read_text()
    )["body"]
    body = recorded_bytes(
        recorded.replace(
            "<opensearch:totalResults>214881</opensearch:totalResults>",
            "<opensearch:totalResults>10</opensearch:totalResults>",
        )
    )
    query = "(cat:cs.*) AND submittedDate:[202506090000 TO 202506102359]"
    arxiv_api_replay.add(
        ARXIV_API_PATH,
        {
            "search_query": query,
            "id_list": "",
            "sortBy": "submittedDate",
            "sortOrder": "ascending",
            "start": "0",
            "max_results": "100",
        },
        Answer(200, body),
    )
    settings = net_settings(arxiv_api_url=arxiv_api_server)
    [result] = harvest.harvest(
        db, settings, ["arxiv-api"], start=date(2025, 6, 9), end=date(2025, 6, 10)
    )
    assert result.ok, result.error
    assert result.summary.new == 10
    assert len(arxiv_api_replay.requests) == 1


def _cli_env(settings, **urls):
    env = {
        "DAILYPAPERS_DATABASE_URL": settings.database_url,
        "DAILYPAPERS_DATA_DIR": str(settings.data_dir),
        "DAILYPAPERS_OAI_PMH_SETS": "",
    }
    env.update({f"DAILYPAPERS_{k.upper()}": v for k, v in urls.items()})
    return env


def _summary_row(output: str) -> list[str]:
    lines = output.splitlines()
    title = next(i for i, line in enumerate(lines) if "harvest summary" in line)
    row = next(
        line
        for line in lines[title + 1 :]
        if line.strip().startswith("│") and any(c.isdigit() for c in line)
    )
    return [cell.strip() for cell in row.strip().strip("│").split("│")]


def test_the_harvest_command_prints_per_source_results_and_the_summary(
    settings, upstream_server, oai_pmh_server
):
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
    env = _cli_env(settings, upstream_url=closed_port_url, oai_pmh_url=closed_port_url + "/oai2")
    result = CliRunner().invoke(
        main,
        [
            "harvest",
            "--source",
            "upstream",
            "--source",
            "oai-pmh",
            "--from",
            "2025-06-09",
            "--until",
            "2025-06-09",
        ],
        env=env,
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "failed upstream: " in " ".join(result.output.split())
    assert "cannot connect" in result.output


def test_the_harvest_command_refuses_a_backwards_range(settings):
    result = CliRunner().invoke(
        main,
        ["harvest", "--source", "upstream", "--from", "2025-06-10", "--until", "2025-06-09"],
        env=_cli_env(settings),
    )
    assert result.exit_code == 2
    assert "--from 2025-06-10 is after --until 2025-06-09" in result.output


@pytest.mark.parametrize("source", ["upstream"])
def test_a_second_harvest_starts_where_the_last_success_left_off(
    db, net_settings, upstream_server, upstream_replay, source, monkeypatch
):
    monkeypatch.setattr(harvest, "FIRST_DAYS", 2)
    settings = net_settings(upstream_url=upstream_server)
    [first] = harvest.harvest(
        db, settings, [source], clock=lambda: datetime(2025, 6, 10, 12, tzinfo=UTC)
    )
    assert (first.start, first.end) == (date(2025, 6, 9), date(2025, 6, 10))
    [second] = harvest.harvest(
        db, settings, [source], clock=lambda: datetime(2025, 6, 12, 12, tzinfo=UTC)
    )
    assert (second.start, second.end) == (date(2025, 6, 10), date(2025, 6, 12))
    assert [r.params["date"] for r in upstream_replay.requests] == [
        "2025-06-09",
        "2025-06-10",
        "2025-06-10",
        "2025-06-11",
        "2025-06-12",
    ]


@pytest.mark.slow
def test_the_harvest_loop_keeps_going_every_interval(
    settings, upstream_server, upstream_replay, tmp_path
):
    env = {
        **os.environ,
        **_cli_env(settings, upstream_url=upstream_server),
        "DAILYPAPERS_HARVEST_INTERVAL": "0.5",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    command = argv(
        "harvest",
        "--source",
        "upstream",
        "--loop",
        "--from",
        "2025-06-09",
        "--until",
        "2025-06-09",
        dailypapers__ingest__harvest__RETRY_INTERVAL=0.5,
    )
    log = tmp_path / "loop.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
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
