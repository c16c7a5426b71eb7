"""The search feed's parameters: each bad one refused by name."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.store("search")


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({}, "q"),
        ({"q": "  "}, "q"),
        ({"q": "x", "mode": "fuzzy"}, "mode"),
        ({"q": "x", "sort": "oldest"}, "sort"),
        ({"q": "x", "date_from": "2025-13-01"}, "date_from"),
        ({"q": "x", "date_to": "tomorrow"}, "date_to"),
        ({"q": "x", "category": "cs;DROP"}, "category"),
        # a number would be read as a Unix timestamp by a plain date parameter: found by fuzzing
        ({"q": "x", "date_to": "8.5e-117"}, "date_to"),
        ({"q": "x", "date_from": "1700000000"}, "date_from"),
        ({"q": "x", "date_to": "2025-02-30"}, "date_to"),
    ],
)
def test_the_search_feed_refuses_a_bad_parameter_by_name(client, params, parameter):
    answer = client.get("/feeds/search.atom", params=params)
    assert answer.status_code == 400 and answer.json()["parameter"] == parameter
