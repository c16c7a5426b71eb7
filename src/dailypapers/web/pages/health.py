"""``/healthz`` (liveness), ``/readyz`` (readiness) and ``/metrics`` (Prometheus).

They are answered by :class:`Probes` before the session, the page cache and the outage
middleware: no cookie is read or set, nothing is cached, no rate limit counts them, and
``/healthz`` never touches the database, so a process cut off from it still says it is alive
(and is not restarted for what a restart cannot fix). ``/readyz`` says 503 with the failing
check named; ``/metrics`` needs ``DAILYPAPERS_METRICS_TOKEN`` as a bearer token.
"""

from __future__ import annotations

import hmac

import orjson
from fastapi.responses import PlainTextResponse, Response
from starlette.requests import Request
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from dailypapers.operations import gauges, health, outage
from dailypapers.web.plumbing import metrics

NO_STORE = {"Cache-Control": "no-store"}


class Probes:
    """Sends the probes' paths to :data:`router`, everything else on into the site."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.paths = frozenset(route.path for route in router.routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths:
            await router(scope, receive, send)
        else:
            await self.app(scope, receive, send)


async def healthz(_request: Request) -> Response:
    return PlainTextResponse("ok\n", headers=NO_STORE)


def readyz(request: Request) -> Response:
    found = health.readiness(request.app.state.db, request.app.state.settings)
    body = {
        "ready": found.ready,
        "failing": found.failing,
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in found.checks},
    }
    return Response(
        orjson.dumps(body),
        status_code=200 if found.ready else 503,
        media_type="application/json",
        headers=NO_STORE,
    )


def scrape(request: Request) -> Response:
    token = request.app.state.settings.metrics_token
    if not token:
        return PlainTextResponse("Not Found\n", status_code=404, headers=NO_STORE)
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return PlainTextResponse(
            "A bearer token is required.\n",
            status_code=401,
            headers={**NO_STORE, "WWW-Authenticate": "Bearer"},
        )
    db = request.app.state.db
    try:
        found = gauges.site_gauges(db, request.app.state.settings)
    except Exception as error:
        if not outage.noticed(db, error):
            raise
        found = None  # the request metrics still answer, with the database said down
    return Response(metrics.exposition(found), media_type=metrics.CONTENT_TYPE, headers=NO_STORE)


# Plain Starlette routes: they run before FastAPI's own machinery, outside the site's middleware.
router = Router(
    routes=[
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", scrape, methods=["GET"]),
    ]
)
