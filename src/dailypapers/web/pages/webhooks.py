"""The settings page listing a reader's webhooks (``/settings/webhooks``): each one's feed, URL
(its path clipped: it holds the receiver's secret), format, state and, for a stopped one, what
its receiver answered; and a button to delete it. Webhooks are added from a feed (the feeds'
routes, ``POST /api/feeds/{id}/webhooks``); ``DELETE /api/webhooks/{id}`` is the JSON twin of
deleting."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts.records import User
from dailypapers.web.plumbing.auth import ActingUser, own_page
from dailypapers.web.plumbing.errors import render_error
from dailypapers.web.plumbing.headers import NO_STORE
from dailypapers.web.plumbing.rendering import render
from dailypapers.webhooks import subscriptions
from dailypapers.webhooks.errors import NoSuchWebhook, NotYours

router = APIRouter(include_in_schema=False)


def _page(request: Request, user: User, *, removed: str | None = None) -> Response:
    """The page with the reader's webhooks (blocking)."""
    return render(
        request,
        "webhooks.html",
        {
            "webhooks": subscriptions.for_user(request.app.state.db, user.id),
            "removed": removed,
            "section": "settings",
        },
        headers=NO_STORE,
    )


own_page(router, "/settings/webhooks", _page)


@router.post("/settings/webhooks/delete")
async def delete_webhook(
    request: Request, user: ActingUser, webhook_id: int = Form(..., ge=1, le=2**62)
) -> Response:
    def run() -> Response:
        try:
            gone = subscriptions.remove(
                request.app.state.db, user_id=user.id, webhook_id=webhook_id
            )
        except NoSuchWebhook:
            return render_error(request, 404, f"There is no webhook {webhook_id}.")
        except NotYours:
            return render_error(request, 403, "This webhook belongs to someone else.")
        return _page(request, user, removed=gone.shown_url)

    return await run_in_threadpool(run)
