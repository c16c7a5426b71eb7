"""Paths shaped like arXiv ids: only ids in ASCII digits reach the routes under ``/papers/``."""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.store("feed")

# 2506.08007 written in Arabic-Indic digits: ``\d`` matches them, an arXiv id has none.
OTHER_DIGITS = "\u0662\u0665\u0660\u0666.\u0660\u0668\u0660\u0660\u0667"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/papers/{OTHER_DIGITS}"),
        ("GET", f"/papers/{OTHER_DIGITS}v\u0662"),
        ("GET", "/papers/2506.08007v\u00b2"),
        ("GET", "/papers/hep-th/\u0669\u0669\u0660\u0661\u0660\u0660\u0661"),
        ("POST", f"/papers/{OTHER_DIGITS}/vote"),
        ("POST", f"/papers/{OTHER_DIGITS}/comments"),
    ],
)
def test_it_keeps_arxiv_ids_in_other_digits_away_from_the_paper_routes(
    as_user, alice, method, path
):
    reader = as_user(alice)
    answer = reader.request(method, quote(path), follow_redirects=False)
    assert answer.status_code in (404, 405) and "location" not in answer.headers
    assert 'id="error-search"' in answer.text  # the plain 404 page, with its search box


def test_an_arxiv_id_in_ascii_digits_still_reaches_its_page(client):
    assert client.get("/papers/2506.08007").status_code == 200
    assert client.get("/papers/2506.08007v2", follow_redirects=False).status_code == 301
