"""The web app as a whole: vendored assets served by itself, HEAD requests, its routes."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Mount, Route

pytestmark = pytest.mark.store("feed")


def test_it_serves_the_vendored_assets_itself(client):
    page = client.get("/papers").text
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        response = client.get(asset)
        assert response.status_code == 200, asset
    css = client.get("/static/vendor/katex/katex.min.css").text
    font = re.search(r"url\((fonts/[^)]+\.woff2)\)", css).group(1)
    assert client.get(f"/static/vendor/katex/{font}").status_code == 200
    assert "http://" not in page.split("<body", 1)[0] and "https://" not in page.split("<body")[0]


@pytest.mark.parametrize("path", ["/", "/papers/date/2025-06-10", "/papers/2506.08007"])
def test_it_answers_head_requests_for_pages(client, path):
    assert client.head(path).status_code == 200


def test_every_route_is_the_apps_own_not_an_included_router(app):
    # A request is matched against the app's list: a router included whole would be walked,
    # route by route, by every request that passes it (see plumbing.routing.add_routes).
    assert all(isinstance(route, Route | Mount) for route in app.router.routes)
    paths = [route.path for route in app.router.routes]
    assert {"/", "/api/daily_papers", "/feeds/papers.{fmt}", "/search"} <= set(paths)
    assert len(paths) == len(set(zip(paths, (r.name for r in app.router.routes), strict=True)))
