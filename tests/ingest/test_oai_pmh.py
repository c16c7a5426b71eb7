"""The OAI-PMH harvester's fetching and parsing against arXiv's recorded answers."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest

from dailypapers.ingest import http, oai_pmh
from dailypapers.ingest.http import SourceError
from dailypapers.ingest.oai_pmh import split_authors
from dailypapers.ingest.records import Rejection
from tests.support.replay import OAI_PMH_PATH, Answer, key

RETRY_AFTER_WINDOW = {
    "verb": "ListRecords",
    "metadataPrefix": "arXiv",
    "from": "2015-01-01",
    "until": "2015-01-03",
}


def _pages(settings, stop=None, **kwargs):
    with oai_pmh.fetcher(settings, stop=stop) as fetcher:
        return list(oai_pmh.list_records(settings, fetcher, **kwargs))


def test_it_lists_arxivraw_records_page_by_page(offline_settings, oai_pmh_server, oai_pmh_replay):
    settings = offline_settings(oai_pmh_url=oai_pmh_server)
    first, last = _pages(settings, prefix="arXivRaw", from_=date(2014, 10, 1))
    assert first.token == "726959|1001" and first.complete_size == 58011
    assert last.token is None
    assert [r.arxiv_id for r in first.items] == [
        "0704.0471",
        "0704.0716",
        "0704.0874",
        "0704.1109",
        "0704.1114",
        "0704.1586",
    ]
    assert [r.params for r in oai_pmh_replay.requests] == [
        {"verb": "ListRecords", "metadataPrefix": "arXivRaw", "from": "2014-10-01"},
        {"verb": "ListRecords", "resumptionToken": "726959|1001"},
    ]
    many_versions = first.items[1]
    assert many_versions.version == 4
    assert many_versions.published_at == datetime(2007, 4, 5, 12, 45, 3, tzinfo=UTC)
    assert many_versions.updated_at == datetime(2008, 11, 14, 9, 7, 25, tzinfo=UTC)
    assert many_versions.categories == ["math-ph", "math.MP"]
    assert many_versions.comment == (
        "54 pages, 2 figures; v2 updated and slightly expanded; "
        "v3 changes in some proofs; v4 slightly expanded"
    )
    assert first.items[0].authors == ["D.V. Shetty", "S.J. Yennello", "G.A. Souliotis"]
    assert first.items[3].authors == ["Valeria M. Rosa", "Patricio S. letelier"]
    assert first.items[0].title == (
        "Density dependence of the symmetry energy and the nuclear "
        "equation of state: A Dynamical and Statistical model "
        "perspective"
    )
    [paper] = last.items
    assert (paper.arxiv_id, paper.version) == ("1302.2146", 2)
    assert paper.authors == ["Joshua Berger", "Maxim Perelstein", "Michael Saelim", "Philip Tanedo"]
    assert "oai:arXiv.org:1302.2146" in paper.origin


def test_it_reads_the_arxiv_format_with_structured_authors(offline_settings, oai_pmh_server):
    settings = offline_settings(oai_pmh_url=oai_pmh_server)
    paper = oai_pmh.get_record(settings, "1412.8544", prefix="arXiv")
    assert paper.title == "A Kochen-Specker system has at least 22 vectors (extended abstract)"
    assert paper.authors == ["Sander Uijlen", "Bas Westerbaan"]
    assert paper.categories == ["cs.DM"]
    assert paper.published_at == datetime(2014, 12, 29, tzinfo=UTC)
    assert paper.comment == "In Proceedings QPL 2014, arXiv:1412.8102"
    assert paper.version is None  # the arXiv format does not say


def test_it_gets_one_record_in_arxivraw(offline_settings, oai_pmh_server):
    settings = offline_settings(oai_pmh_url=oai_pmh_server)
    paper = oai_pmh.get_record(settings, "1302.2146")
    assert (paper.arxiv_id, paper.version, paper.categories) == (
        "1302.2146",
        2,
        ["hep-ph", "hep-ex"],
    )


def test_it_waits_as_long_as_retry_after_asks_then_harvests(
    offline_settings, oai_pmh_server, oai_pmh_replay, stopwatch, monkeypatch
):
    # arXiv's recorded flow control: 503 with "Retry-After: 10", then the page. The wait goes
    # through the stop event a scheduler hands the harvest; the stopwatch notes it and returns.
    monkeypatch.setattr(http, "RETRIES", 1)
    settings = offline_settings(oai_pmh_url=oai_pmh_server)
    [page] = _pages(
        settings, stopwatch, prefix="arXiv", from_=date(2015, 1, 1), until=date(2015, 1, 3)
    )
    assert [p.arxiv_id for p in page.items] == ["1412.8544", "hep-th/9504118"]
    assert page.items[1].authors == ["M. Requardt"]
    refused, answered = oai_pmh_replay.requests
    assert (refused.status, answered.status) == (503, 200)
    assert stopwatch.waits == [10.0]  # the recorded Retry-After, to the second


def test_it_sleeps_the_retry_after_for_real_without_a_stop_event(
    offline_settings, oai_pmh_server, oai_pmh_replay, monkeypatch
):
    # The same exchange with a one-second ask of our own (arXiv's recording asks ten).
    recorded = oai_pmh_replay.routes[(OAI_PMH_PATH, key(RETRY_AFTER_WINDOW))]
    busy = Answer(503, recorded[0].body, {**recorded[0].headers, "Retry-After": "1"})
    oai_pmh_replay.add(OAI_PMH_PATH, RETRY_AFTER_WINDOW, busy, recorded[-1])
    monkeypatch.setattr(http, "RETRIES", 1)
    settings = offline_settings(oai_pmh_url=oai_pmh_server)
    [page] = _pages(settings, prefix="arXiv", from_=date(2015, 1, 1), until=date(2015, 1, 3))
    assert [p.arxiv_id for p in page.items] == ["1412.8544", "hep-th/9504118"]
    refused, answered = oai_pmh_replay.requests
    assert (refused.status, answered.status) == (503, 200)
    assert answered.at - refused.at >= 0.99


def test_it_gives_up_when_retry_after_is_longer_than_allowed(
    offline_settings, oai_pmh_server, monkeypatch
):
    monkeypatch.setattr(http, "RETRIES", 3)
    monkeypatch.setattr(http, "MAX_RETRY_AFTER", 5)
    settings = offline_settings(oai_pmh_url=oai_pmh_server)
    began = time.monotonic()
    with pytest.raises(SourceError, match=r"HTTP 503 .*retry after 10 s, longer than the 5 s"):
        _pages(settings, prefix="arXiv", from_=date(2015, 1, 1), until=date(2015, 1, 3))
    assert time.monotonic() - began < 5


@pytest.mark.parametrize(
    ("params", "code", "words"),
    [
        (
            {
                "verb": "ListRecords",
                "identifier": "oai:arXiv.org:1302.2146",
                "metadataPrefix": "arXiv",
            },
            "badArgument",
            "illegal argument 'identifier'",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "3"},
            "badResumptionToken",
            "resumptionToken supplied is illegal",
        ),
        ({"verb": "wah"}, "badVerb", "Verb 'wah' not implemented"),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:arXiv.org:0813.2274",
                "metadataPrefix": "arXivRaw",
            },
            "idDoesNotExist",
            "does not correspond to an item",
        ),
    ],
)
def test_each_recorded_oai_error_names_its_code_and_message(
    offline_settings, oai_pmh_server, params, code, words
):
    settings = offline_settings(oai_pmh_url=oai_pmh_server)
    with oai_pmh.fetcher(settings) as fetcher, pytest.raises(oai_pmh.OaiError) as raised:
        oai_pmh.fetch_page(settings, fetcher, params)
    assert raised.value.code == code
    assert f"OAI-PMH error {code}" in str(raised.value) and words in str(raised.value)
    assert (code == "badResumptionToken") == isinstance(raised.value, oai_pmh.BadResumptionToken)


# arXiv's recordings hold no example of these three; the wording follows the OAI-PMH 2.0 spec.
@pytest.mark.parametrize(
    ("code", "message", "params"),
    [
        (
            "cannotDisseminateFormat",
            "'oai_marc' is not supported by the item or by the repository.",
            {"verb": "ListRecords", "metadataPrefix": "oai_marc"},
        ),
        (
            "noMetadataFormats",
            "There are no metadata formats available for the specified item.",
            {"verb": "ListMetadataFormats", "identifier": "oai:arXiv.org:1302.2146"},
        ),
        ("noSetHierarchy", "This repository does not support sets.", {"verb": "ListSets"}),
    ],
)
def test_the_other_oai_error_kinds_name_their_code_and_message(
    offline_settings, oai_pmh_server, oai_pmh_replay, code, message, params
):
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH '
        f'xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-01-01T00:00:00Z'
        f"</responseDate><request>http://export.arxiv.org/oai2</request>"
        f'<error code="{code}">{message}</error></OAI-PMH>'
    ).encode()
    oai_pmh_replay.add(OAI_PMH_PATH, params, Answer(200, body))
    settings = offline_settings(oai_pmh_url=oai_pmh_server)
    with oai_pmh.fetcher(settings) as fetcher, pytest.raises(oai_pmh.OaiError) as raised:
        oai_pmh.fetch_page(settings, fetcher, params)
    assert raised.value.code == code
    assert message in str(raised.value)


def test_no_records_match_is_an_empty_harvest_not_a_failure(
    offline_settings, oai_pmh_server, oai_pmh_replay
):
    settings = offline_settings(oai_pmh_url=oai_pmh_server)
    [page] = _pages(settings, prefix="arXivRaw", set_spec="moo")
    assert (page.items, page.token) == ([], None)
    assert oai_pmh_replay.requests[0].params == {
        "verb": "ListRecords",
        "metadataPrefix": "arXivRaw",
        "set": "moo",
    }


def test_a_malformed_record_is_a_rejection_naming_url_and_identifier(
    offline_settings, oai_pmh_server, oai_pmh_replay, shared_data
):
    recorded = (shared_data / "fixtures" / "oai-pmh" / "ListRecordsResponse.xml").read_text()
    broken = (
        recorded.replace("<id>0704.0716</id>", "<id>not-an-id</id>")
        .replace("<title>Identification of Absorption", "<notitle>Identification of Absorption")
        .replace("Atmosphere</title>", "Atmosphere</notitle>")
    )
    params = {"verb": "ListRecords", "metadataPrefix": "arXivRaw", "from": "2014-10-02"}
    oai_pmh_replay.add(OAI_PMH_PATH, params, Answer(200, broken.encode()))
    settings = offline_settings(oai_pmh_url=oai_pmh_server)
    with oai_pmh.fetcher(settings) as fetcher:
        page = oai_pmh.fetch_page(settings, fetcher, params)
    rejected = [i for i in page.items if isinstance(i, Rejection)]
    assert len(page.items) == 6 and len(rejected) == 2
    assert "record oai:arXiv.org:0704.0716" in rejected[0].origin
    assert rejected[0].origin.startswith(oai_pmh_server)
    assert "not an arXiv id" in rejected[0].reason
    assert "record oai:arXiv.org:0704.1114" in rejected[1].origin
    assert rejected[1].reason == "title is missing"


def test_it_says_what_is_wrong_with_an_answer_that_is_not_xml(
    offline_settings, oai_pmh_server, oai_pmh_replay
):
    params = {"verb": "ListRecords", "metadataPrefix": "arXivRaw", "from": "2014-10-03"}
    oai_pmh_replay.add(OAI_PMH_PATH, params, Answer(200, b"<html>maintenance</html"))
    settings = offline_settings(oai_pmh_url=oai_pmh_server)
    with pytest.raises(SourceError, match="not OAI-PMH XML"):
        _pages(settings, prefix="arXivRaw", from_=date(2014, 10, 3))


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "D.V. Shetty, S.J. Yennello, and G.A. Souliotis",
            ["D.V. Shetty", "S.J. Yennello", "G.A. Souliotis"],
        ),
        ("Valeria M. Rosa and Patricio S. letelier", ["Valeria M. Rosa", "Patricio S. letelier"]),
        ("Christoph Richard", ["Christoph Richard"]),
        (
            "A. Smith (MIT, Cambridge), B. Jones (Oxford and Cambridge) and C. Brown",
            ["A. Smith", "B. Jones", "C. Brown"],
        ),
        ("A. Alpha ((1) X, (2) Y), B. Beta ((2) Y)", ["A. Alpha", "B. Beta"]),
        ("John Smith, Jr., Jane Doe", ["John Smith Jr.", "Jane Doe"]),
        ('J. M\\"uller and {\\AA}. Str{\\"o}m', ["J. Müller", "Å. Ström"]),
        ("Alexander Anderson and Sandra Andrews", ["Alexander Anderson", "Sandra Andrews"]),
        ("  ", []),
    ],
)
def test_it_splits_arxivraw_author_strings_into_ordered_names(text, names):
    assert split_authors(text) == names
