"""/api/daily_papers: imported upstream days come back field for field, filters, paging, errors."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from dailypapers import code_links
from dailypapers.web.app import create_app
from tests.support.corpora import API_DAYS

pytestmark = pytest.mark.store("api")


def _ms(text: str) -> str:
    """An upstream time in our format (UTC, milliseconds, Z)."""
    moment = datetime.fromisoformat(text).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _merged_upstream(days: dict[str, list[dict]]) -> tuple[dict[str, int], dict[str, dict]]:
    """A paper that entered the feed on two days is one paper: its upvotes are the highest count
    reported, and a field one day's entry lacks is kept from the other (the importer's rules)."""
    best_upvotes: dict[str, int] = defaultdict(int)
    merged: dict[str, dict] = defaultdict(dict)
    for entries in days.values():
        for entry in entries:
            paper = entry["paper"]
            best_upvotes[paper["id"]] = max(best_upvotes[paper["id"]], paper["upvotes"])
            merged[paper["id"]].update(
                {k: v for k, v in paper.items() if v not in (None, "", [], {})}
            )
    return best_upvotes, merged


def _assert_texts_and_times(got: dict, want: dict, upstream: dict, day: str) -> None:
    paper = got["paper"]
    # Titles are stored with arXiv's hard line breaks folded (the importer's rule).
    assert paper["title"] == got["title"] == _line(want["title"])
    assert paper["summary"] == got["summary"] == want["summary"].strip()
    assert [a["name"] for a in paper["authors"]] == [_line(a["name"]) for a in want["authors"]]
    assert paper["publishedAt"] == _ms(want["publishedAt"])
    submitted = want.get("submittedOnDailyAt") or upstream["publishedAt"]
    assert paper["submittedOnDailyAt"] == got["publishedAt"] == _ms(submitted)
    assert paper["submittedOnDailyAt"][:10] <= day  # the feed day it was returned for
    if "discussionId" in want:
        assert paper["discussionId"] == want["discussionId"]
    else:
        assert re.fullmatch(r"[0-9a-f]{24}", paper["discussionId"])


def _filled(got: str | None, upstream: str | None, kind: str) -> bool:
    """The upstream's value when it gave one; else none, or a link of ``kind`` as the papers'
    code links hold them (from the abstract, or an arXiv comment another source stored)."""
    if upstream:
        return got == re.sub(r"\s", "", upstream)
    return got is None or code_links.classify(got, kind) == (got, kind)


def _assert_extras(got: dict, want: dict, upstream: dict) -> None:
    paper = got["paper"]
    for key in ("githubStars", "ai_keywords", "organization"):
        expected = want.get(key)
        expected = None if expected in ([], {}, "") else expected
        assert paper.get(key) == got.get(key) == expected, key
    assert paper.get("githubRepo") == got.get("githubRepo")
    assert _filled(got.get("githubRepo"), want.get("githubRepo"), "code")
    assert paper.get("projectPage") == got.get("projectPage")
    assert _filled(got.get("projectPage"), want.get("projectPage"), "project")
    assert (
        paper.get("ai_summary")
        == got.get("ai_summary")
        == (want["ai_summary"].strip() if want.get("ai_summary") else None)
    )
    assert paper.get("mediaUrls") == (want.get("mediaUrls") or upstream.get("mediaUrls") or None)
    assert got["numComments"] == paper["numComments"] == upstream.get("numComments", 0)
    submitter = upstream["paper"].get("submittedOnDailyBy") or upstream.get("submittedBy")
    if submitter:
        for who in (paper["submittedOnDailyBy"], got["submittedBy"]):
            assert who["_id"] == submitter["_id"]
            assert who["name"] == who["user"] == (submitter.get("user") or submitter["name"])
            assert who["fullname"] == submitter["fullname"]
            assert who["type"] == "user" and who["isPro"] is False


def test_it_gives_back_imported_upstream_days_field_for_field(client, upstream_day):
    days = {day: upstream_day(day) for day in API_DAYS}
    best_upvotes, merged = _merged_upstream(days)
    checked = 0
    for day, entries in days.items():
        answer = client.get("/api/daily_papers", params={"date": day, "limit": 100})
        assert answer.status_code == 200
        ours = {entry["paper"]["id"]: entry for entry in answer.json()}
        assert sorted(ours) == sorted(e["paper"]["id"] for e in entries), day
        for upstream in entries:
            got = ours[upstream["paper"]["id"]]
            want = {
                **merged[upstream["paper"]["id"]],
                "submittedOnDailyAt": upstream["paper"].get("submittedOnDailyAt"),
            }
            _assert_texts_and_times(got, want, upstream, day)
            assert got["paper"]["upvotes"] == best_upvotes[want["id"]]
            _assert_extras(got, want, upstream)
            checked += 1
    assert checked == sum(len(e) for e in days.values()) > 150


def test_it_lists_the_whole_feed_newest_first_with_a_next_link(client):
    first = client.get("/api/daily_papers", params={"limit": 20})
    entries = first.json()
    assert len(entries) == 20
    times = [e["paper"]["submittedOnDailyAt"] for e in entries]
    assert times == sorted(times, reverse=True)
    assert entries[0]["paper"]["submittedOnDailyAt"].startswith("2026-04-16")
    link = first.headers["link"]
    assert link.endswith('rel="next"') and "p=1" in link and "limit=20" in link
    following = client.get(link[1 : link.index(">")])
    assert following.status_code == 200
    assert following.json()[0]["paper"]["submittedOnDailyAt"] <= times[-1]
    assert not {e["paper"]["id"] for e in following.json()} & {e["paper"]["id"] for e in entries}


def test_it_pages_through_a_day_and_answers_an_empty_page_past_the_end(client):
    whole = client.get("/api/daily_papers", params={"date": "2025-06-10", "limit": 100}).json()
    pages = []
    for page in range(4):
        answer = client.get(
            "/api/daily_papers", params={"date": "2025-06-10", "limit": 10, "p": page}
        )
        pages.append(answer.json())
        assert ("link" in answer.headers) == (page < 2)
    assert [len(p) for p in pages] == [10, 10, 8, 0]
    assert [e["paper"]["id"] for p in pages for e in p] == [e["paper"]["id"] for e in whole]


def test_it_filters_by_week_month_and_submitter(client):
    week = client.get("/api/daily_papers", params={"week": "2025-W24", "limit": 100}).json()
    days = {e["paper"]["submittedOnDailyAt"][:10] for e in week}
    assert days <= {f"2025-06-{d:02d}" for d in range(9, 16)} and len(days) == 5
    month = client.get("/api/daily_papers", params={"month": "2025-06", "limit": 100}).json()
    assert {e["paper"]["id"] for e in week} == {e["paper"]["id"] for e in month}
    submitter = week[0]["submittedBy"]["name"]
    theirs = client.get("/api/daily_papers", params={"submitter": submitter, "limit": 100}).json()
    assert theirs and all(e["submittedBy"]["name"] == submitter for e in theirs)
    assert client.get("/api/daily_papers", params={"submitter": "nobody-here"}).json() == []


def test_it_sorts_by_trending_score(client):
    answer = client.get(
        "/api/daily_papers", params={"week": "2025-W24", "sort": "trending", "limit": 100}
    ).json()
    newest = client.get("/api/daily_papers", params={"week": "2025-W24", "limit": 100}).json()
    assert sorted(e["paper"]["id"] for e in answer) == sorted(e["paper"]["id"] for e in newest)
    assert [e["paper"]["id"] for e in answer] != [e["paper"]["id"] for e in newest]
    trending = client.get("/api/daily_papers", params={"sort": "trending", "limit": 5}).json()
    assert len(trending) == 5
    assert all(e["paper"]["submittedOnDailyAt"] >= "2026-04-10" for e in trending)


def test_it_accepts_a_full_iso_datetime_as_date(client):
    answer = client.get("/api/daily_papers", params={"date": "2025-06-10T08:00:00.000Z"})
    assert answer.status_code == 200 and len(answer.json()) == 28


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"date": "2025-13-40"}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"date": "9999-12-31"}, "date"),
        ({"week": "2025-W60"}, "week"),
        ({"week": "9999-W52"}, "week"),
        ({"month": "2025-13"}, "month"),
        ({"month": "9999-12"}, "month"),
        ({"limit": 0}, "limit"),
        ({"limit": 1000}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"sort": "foo"}, "sort"),
        ({"p": -1}, "p"),
        ({"p": 10**30}, "p"),
        ({"date": "2025-06-10", "week": "2025-W24"}, "week"),
        ({"submitter": "x" * 300}, "submitter"),
    ],
)
def test_it_refuses_an_invalid_parameter_naming_it(client, params, parameter):
    answer = client.get("/api/daily_papers", params=params)
    assert answer.status_code == 400
    body = answer.json()
    assert body["parameter"] == parameter and body["error"]
    assert answer.headers["content-type"].startswith("application/json")


def test_it_builds_next_links_from_the_base_url_not_the_host_header(settings, db):
    # The response cache keys answers by path and query only, so anything taken from the
    # request's Host header would be passed on to every later client: with the cache ON, a
    # request naming another host must leave only the site's own address in the answer.
    site = settings.model_copy(
        update={"cache_seconds": 60.0, "base_url": "https://papers.example.org/"}
    )
    with TestClient(create_app(site, db)) as client:
        for path, params in (("/api/daily_papers", {"limit": 5}), ("/api/papers", {"limit": 5})):
            poisoned = client.get(path, params=params, headers={"Host": "evil.example"})
            assert poisoned.status_code == 200 and poisoned.headers["x-api-cache"] == "miss"
            link = poisoned.headers["link"]
            assert link.startswith(f"<https://papers.example.org{path}?limit=5&")
            assert link.endswith('>; rel="next"')
            later = client.get(path, params=params)
            assert later.headers["x-api-cache"] == "hit" and later.content == poisoned.content
            assert later.headers["link"] == link
            for answer in (poisoned, later):
                assert "evil.example" not in answer.headers["link"]
                assert b"evil.example" not in answer.content
            following = client.get(link[1 : link.index(">")])  # the link works as given
            assert following.status_code == 200
            assert _ids(following.json()) and not _ids(following.json()) & _ids(later.json())


def _ids(answer: list[dict]) -> set[str]:
    """The paper ids of a daily entries or a papers answer."""
    return {item["paper"]["id"] if "paper" in item else item["id"] for item in answer}
