"""What a bad address, a bad parameter or an unexpected error gets: a page, never a traceback."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.store("feed")


@pytest.mark.parametrize(
    "path",
    [
        "/papers/not-an-id",
        "/papers/2513.00001",
        "/papers/2599.99999",
        "/nowhere",
        "/papers/<script>",
    ],
)
def test_it_answers_a_malformed_address_with_a_404_page_and_a_search_box(client, path):
    page = client.get(path)
    assert page.status_code == 404
    assert 'id="error-search"' in page.text
    assert "<script>" not in page.text.split("<main", 1)[1]


@pytest.mark.parametrize(
    "path",
    [
        "/papers/month/2025-06?page=0",
        "/papers/month/2025-06?page=x",
        "/papers/week/2025-W24?page=-1",
        "/users/alice?page=abc",
    ],
)
def test_it_answers_a_malformed_parameter_with_a_400_page(client, path):
    page = client.get(path)
    assert page.status_code == 400
    assert "page" in page.text and 'id="error-search"' in page.text


def test_it_answers_an_unexpected_error_with_a_plain_500_page(app, client, caplog):
    def broken() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/broken-for-test", broken)  # any route that fails unexpectedly
    app.add_api_route("/api/broken-for-test", broken)
    page = client.get("/broken-for-test")
    assert page.status_code == 500
    assert "Something went wrong" in page.text and 'id="error-search"' in page.text
    assert "secret internals" not in page.text and "Traceback" not in page.text
    api = client.get("/api/broken-for-test")
    assert api.status_code == 500 and api.json() == {
        "error": "Internal Server Error",
        "parameter": None,
    }
    assert "secret internals" in caplog.text  # logged for the admin, not shown
