"""``GET /api/categories`` and ``GET /api/categories/{id}``: the categories by archive, a
category's papers of a period in the upstream paper shape with cross-lists named, documented in
OpenAPI; hostile ids and periods a 4xx naming the parameter, never a 5xx."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from dailypapers.web.api.categories import ArchiveCategories, CategoryPapers
from tests.support import categories as listed

pytestmark = pytest.mark.store("feed")


@pytest.fixture
def categorized(db, tmp_path) -> dict[str, list[str]]:
    return listed.listed_feed(db, tmp_path)


def test_it_answers_a_categorys_papers_of_its_newest_day(client, categorized):
    answer = client.get("/api/categories/cs.cl")
    assert answer.status_code == 200
    body = answer.json()
    CategoryPapers.model_validate(body)
    assert (body["id"], body["name"], body["period"], body["label"]) == (
        "cs.CL",
        "Computation and Language",
        "date",
        "2025-06-16",
    )
    assert body["previous"] == "2025-06-13" and body["next"] is None
    assert body["papers"] and all("cs.CL" in categorized[p["id"]] for p in body["papers"])


def test_a_week_names_its_cross_lists(client, categorized):
    body = client.get("/api/categories/cs.AI", params={"week": "2025-W24"}).json()
    ids = [p["id"] for p in body["papers"]]
    assert body["count"] == len(ids) and ids
    assert body["cross_listed"] == sorted(a for a in ids if categorized[a][0] != "cs.AI")


def test_the_index_counts_categories_by_archive(client, categorized):
    body = client.get("/api/categories").json()
    archives = {a["id"]: ArchiveCategories.model_validate(a) for a in body}
    cs = {c.id: c.count for c in archives["cs"].categories}
    assert cs["cs.CL"] == sum("cs.CL" in cats for cats in categorized.values())


def test_an_id_no_paper_lists_is_a_404_naming_the_parameter(client, categorized):
    answer = client.get("/api/categories/q-fin.ST")
    assert answer.status_code == 404 and "q-fin.ST" in answer.text and "category_id" in answer.text


@pytest.mark.parametrize(
    "hostile", ["x" * 60_000, "cs.CL\x00", "<script>alert(1)</script>", "../../signout", "%00"]
)
def test_it_answers_a_hostile_id_with_a_4xx_never_a_5xx(client, hostile):
    answer = client.get("/api/categories/" + quote(hostile, safe=""))
    assert 400 <= answer.status_code < 500 and len(answer.text) < 100_000


def test_it_refuses_two_periods_and_bad_labels(client, categorized):
    both = client.get("/api/categories/cs.CL", params={"date": "2025-06-10", "week": "2025-W24"})
    assert both.status_code == 400 and "week" in both.text
    bad = client.get("/api/categories/cs.CL", params={"week": "2025-W99"})
    assert bad.status_code == 400 and "ISO week" in bad.text


def test_it_is_documented_in_openapi(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/categories/{category_id}" in paths and "/api/categories" in paths
