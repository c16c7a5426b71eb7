"""What a bad address, a bad parameter or an unexpected error gets: a page, never a traceback."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.store("feed")


# A malformed address is a 404 page, a malformed parameter a 400 page naming it (here, page);
# both offer the search box, and neither echoes markup from the address.
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/papers/not-an-id", 404),
        ("/papers/2513.00001", 404),
        ("/papers/2599.99999", 404),
        ("/nowhere", 404),
        ("/papers/<script>", 404),
        ("/papers/month/2025-06?page=0", 400),
        ("/papers/month/2025-06?page=x", 400),
        ("/papers/week/2025-W24?page=-1", 400),
        ("/users/alice?page=abc", 400),
    ],
)
def test_it_answers_a_malformed_address_or_parameter_with_a_page_and_a_search_box(
    client, path, status
):
    page = client.get(path)
    assert page.status_code == status
    assert 'id="error-search"' in page.text
    assert "<script>" not in page.text.split("<main", 1)[1]
    if status == 400:
        assert "page" in page.text


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
