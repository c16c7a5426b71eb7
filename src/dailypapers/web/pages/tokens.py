"""The settings page where a signed-in user makes and revokes API tokens and private feed
addresses (``/settings/tokens``).

A new token (or feed address, whose secret is in the URL) is shown once, on the page that
answers its creation (only its SHA-256 is kept), with ``Cache-Control: no-store``. Revoking
someone else's token is refused with 403. The JSON equivalents for scripts are under
``/api/tokens``.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts import tokens
from dailypapers.accounts.records import User
from dailypapers.web.plumbing.auth import ActingUser, own_page
from dailypapers.web.plumbing.errors import render_error
from dailypapers.web.plumbing.headers import NO_STORE
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    user: User,
    *,
    new_secret: str | None = None,
    new_kind: str = "api",
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The page with the user's tokens (blocking)."""
    db = request.app.state.db
    base = request.app.state.settings.base_url.rstrip("/")
    new_feed = f"{base}/feeds/for-you/{new_secret}.atom" if new_kind == "feed" else None
    return render(
        request,
        "tokens.html",
        {
            "tokens": tokens.list_for(db, user, "api"),
            "feeds": tokens.list_for(db, user, "feed"),
            "new_secret": new_secret if new_kind == "api" else None,
            "new_feed": new_feed,
            "errors": errors or {},
            "values": values or {},
            "section": "settings",
        },
        status_code=status_code,
        headers=NO_STORE,
    )


own_page(router, "/settings/tokens", _page)


@router.post("/settings/tokens")
async def create_token(
    request: Request,
    user: ActingUser,
    name: str = Form("", max_length=500),
    kind: str = Form("api", max_length=10),
) -> Response:
    kind = kind if kind in tokens.PREFIXES else "api"

    def create() -> Response:
        try:
            secret, _token = tokens.create(request.app.state.db, user, kind, name)
        except tokens.TokenError as error:
            return _page(
                request, user, errors={"name": str(error)}, values={"name": name}, status_code=400
            )
        return _page(request, user, new_secret=secret, new_kind=kind)

    return await run_in_threadpool(create)


@router.post("/settings/tokens/revoke")
async def revoke(
    request: Request, user: ActingUser, token_id: int = Form(..., ge=1, le=2**62)
) -> Response:
    def run() -> Response:
        try:
            tokens.revoke(request.app.state.db, user, token_id)
        except tokens.TokenNotFound:
            return render_error(request, 404, f"There is no token {token_id}.")
        except tokens.NotYourToken:
            return render_error(request, 403, "This token belongs to someone else.")
        return _page(request, user)

    return await run_in_threadpool(run)
