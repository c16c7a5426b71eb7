"""``/metrics``: off without a token, refused with a wrong one; requests counted by route
template (never the raw path), and the gauges read from the database."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dailypapers.web.app import create_app

TOKEN = "scraper-token-for-tests"


@pytest.fixture
def scraper(settings, db):
    app = create_app(settings.model_copy(update={"metrics_token": TOKEN}), db)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _scrape(client: TestClient) -> str:
    answer = client.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return answer.text


def test_metrics_are_off_without_a_token_and_refused_with_a_wrong_one(client, scraper):
    assert client.get("/metrics").status_code == 404
    wrong = scraper.get("/metrics", headers={"authorization": "Bearer guessed"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"


def test_it_keeps_metric_labels_bounded_whatever_addresses_clients_invent(scraper):
    for n in range(3):
        scraper.get(f"/papers/2406.0000{n}")
        scraper.get(f"/invented-{n}")
        scraper.request("BREW", "/papers")
    text = _scrape(scraper)
    assert 'route="/papers/{arxiv_id:arxiv_id}"' in text
    assert 'route="(unmatched)"' in text and 'method="OTHER"' in text
    assert "invented-" not in text and "2406.0000" not in text and "BREW" not in text


@pytest.mark.store("feed")
def test_it_reports_outboxes_harvest_age_and_index_lag(scraper):
    text = _scrape(scraper)
    gauges = {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(("dailypapers_outbox", "dailypapers_index_lag"))
    }
    assert gauges['dailypapers_outbox_depth{outbox="mail"}'] == 0
    assert "dailypapers_database_up 1.0" in text
    assert gauges['dailypapers_outbox_depth{outbox="webhooks"}'] == 0
    # The feed's papers have no embedding and no keyword index was built: all lag behind.
    semantic = gauges['dailypapers_index_lag_papers{index="semantic"}']
    assert semantic > 0 and gauges['dailypapers_index_lag_papers{index="keyword"}'] == semantic


def test_every_answer_tells_its_server_time(client):
    for path in ("/", "/nope", "/api/daily_papers"):
        timing = client.get(path).headers["server-timing"]
        assert timing.startswith("app;dur=") and float(timing.split("=")[1]) >= 0
