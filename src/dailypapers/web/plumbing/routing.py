"""How routes reach the app, and path parameters shaped like arXiv ids for routes under
``/papers/``.

Matching the shape in the route (rather than ``{id:path}``) keeps ``/papers/...`` free for
other routes (feeds, API-like paths) and sends everything else to the plain 404 page. Routes
write their path with :data:`ARXIV_ID`, which also makes sure the convertor is registered first.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.convertors import Convertor, register_url_convertor


def add_routes(app: FastAPI, *routers: APIRouter) -> None:
    """The routers' routes, in order, added to the app's own list rather than through
    ``include_router`` (the routers set their prefix and tags themselves). FastAPI walks an
    included router per module on every request, a few microseconds for each route it passes
    (a 404 walked ~200 routes twice: 4-5 ms); plain routes cost one regular expression each
    (the same 404: under 1 ms of routing), and are built once a process, not once an app."""
    for router in routers:
        app.router.routes.extend(router.routes)


class ArxivIdConvertor(Convertor):
    """Path segment(s) shaped like an arXiv id: ``2406.12345[vN]`` or ``hep-th/9901001[vN]``."""

    # [0-9], not \d: \d also matches "٢" and "²", which are no arXiv id's digits.
    regex = r"(?:[0-9]{4}\.[0-9]{4,5}|[A-Za-z][A-Za-z-]*(?:\.[A-Za-z]{2})?/[0-9]{7})(?:v[0-9]+)?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("arxiv_id", ArxivIdConvertor())
ARXIV_ID = "{arxiv_id:arxiv_id}"
