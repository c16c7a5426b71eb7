"""Talking to the site as a person would: forms with their CSRF token, signing in, htmx's
requests; and every route, for the tests that walk them (a real browser is in
:mod:`tests.support.browser`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from pydantic import BaseModel

from dailypapers.accounts.records import User
from tests.support import data

# What htmx adds to its requests: the answer is then a fragment to swap in.
HTMX = {"HX-Request": "true"}


def csrf_token_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def page_token(client: TestClient, path: str = "/signin") -> str:
    """A client's CSRF token, read from a page that has forms."""
    return csrf_token_of(client.get(path).text)


def submit_form(
    client: TestClient, path: str, fields: dict, *, page: str | None = None, **options: Any
) -> Response:
    """Post ``fields`` to ``path`` as its form would: with the CSRF token of the form on ``page``
    (default: ``path`` itself, as for the sign-in and sign-up forms)."""
    data = {"csrf_token": page_token(client, page or path), **fields}
    return client.post(path, data=data, **options)


def sign_in(client: TestClient, user: User, password: str = data.PASSWORD) -> TestClient:
    """Sign ``client`` in as ``user`` through the sign-in form."""
    fields = {"login": user.username, "password": password, "next": "/"}
    response = submit_form(client, "/signin", fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def sign_up(client: TestClient, username: str, password: str = data.PASSWORD) -> str:
    """Sign a new account up through the form (signed in afterwards); returns its username."""
    fields = {
        "username": username,
        "email": f"{username}@example.org",
        "password": password,
        "next": "/",
    }
    response = submit_form(client, "/signup", fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    return username


# A value for each path parameter, so that every route can be requested.
SAMPLE_PATH_VALUES = {
    "arxiv_id": "2506.08007",
    "comment_id": "1",
    "claim_id": "1",
    "feed_id": "1",
    "collection_id": "1",
    "action": "remove",
    "token": "x",
    "id": "2506.08007",
    "tokenId": "1",
    "commentId": "1",
    "day": "2025-06-10",
    "week": "2025-W24",
    "month": "2025-06",
    "username": "alice",
    "name": "Li Dong",
    "period": "date",
    "value": "2025-06-10",
    "fmt": "atom",
    "category_id": "cs.CL",
    "kind": "week",
    "label": "2025-W24",
    "verdict": "reject",
}


def _all_routes(routes: list) -> Iterator:
    """Every route, looking inside included routers (FastAPI keeps them as wrappers)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _all_routes(inner.routes)
        else:
            yield route


def routes_of(
    app, *, methods: set[str], skip_api: bool = False, skip_exempt: bool = False
) -> list[tuple[str, str]]:
    """(method, path with sample values) of every route of ``app`` answering ``methods``."""
    found = []
    for route in _all_routes(app.routes):
        if not isinstance(route, APIRoute) or (skip_api and route.path.startswith("/api")):
            continue
        if skip_exempt and getattr(route.endpoint, "csrf_exempt", False):
            continue
        for method in sorted(route.methods & methods):
            path = route.path
            for name in route.param_convertors:
                assert name in SAMPLE_PATH_VALUES, f"add a sample value for {{{name}}}"
                path = re.sub(rf"{{{name}(:[a-z_]+)?}}", SAMPLE_PATH_VALUES[name], path)
            found.append((method, path))
    return found


@dataclass(frozen=True)
class RouteParameters:
    """What one route of the app reads: its path template and the names of its path and query
    parameters and of its form or body fields (a form model's fields counted one by one)."""

    methods: frozenset[str]
    path: str
    path_names: tuple[str, ...]
    query_names: tuple[str, ...]
    field_names: tuple[str, ...]
    in_schema: bool  # listed in /openapi.json (the API and the feeds)


def parameters_of(app) -> list[RouteParameters]:
    """Every route of ``app`` (pages, API, feeds) with the parameters its handler and its
    dependencies declare."""
    found = []
    for route in _all_routes(app.routes):
        if isinstance(route, APIRoute):
            dependants = _dependants(route.dependant)
            fields = []
            for dependant in dependants:
                for param in dependant.body_params:
                    model = param.field_info.annotation
                    if isinstance(model, type) and issubclass(model, BaseModel):
                        fields.extend(model.model_fields)
                    else:
                        fields.append(param.alias)
            found.append(
                RouteParameters(
                    frozenset(route.methods),
                    route.path,
                    tuple(p.alias for d in dependants for p in d.path_params),
                    tuple(p.alias for d in dependants for p in d.query_params),
                    tuple(fields),
                    route.include_in_schema,
                )
            )
    return found


def _dependants(dependant) -> list:
    """A route's dependant and all its sub-dependencies, depth first."""
    return [dependant, *(d for sub in dependant.dependencies for d in _dependants(sub))]


def fill_path(template: str, values: dict[str, str]) -> str:
    """``template`` (``/comments/{comment_id}/delete``) with ``values`` for its parameters,
    :data:`SAMPLE_PATH_VALUES` for the others."""

    def value_of(match: re.Match) -> str:
        return values.get(match.group(1), SAMPLE_PATH_VALUES.get(match.group(1), "x"))

    return re.sub(r"{(\w+)(:[a-z_]+)?}", value_of, template)
