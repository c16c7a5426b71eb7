"""A signed-in reader's personal pages: "for you", save / not interested marks, saved-search
alerts, digest settings in the account; and the admin's view of mail that failed.

Every POST is an action guarded by ``auth.acting_user`` (signed in, then the CSRF token), as the
site's other actions; the work is done by plain functions in digest/ and store/.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers.papers import voting
from dailypapers.digest import personal, schedule, subscriptions
from dailypapers.digest.compose import SECTION_TITLES, SECTIONS
from dailypapers.store import marks as mark_store
from dailypapers.store import outbox as outbox_store
from dailypapers.store import papers as paper_store
from dailypapers.store import saved_searches as search_store
from dailypapers.store import subscriptions as subscription_store
from dailypapers.web.auth import SignInRequired, acting_user, safe_next, viewer
from dailypapers.web.errors import error_page
from dailypapers.web.templating import render

router = APIRouter(include_in_schema=False)

MARKS = {"saved": "saved", "not_interested": "not_interested", "none": None}


@router.get("/for-you")
async def for_you(request: Request, user: dict | None = Depends(viewer)) -> Response:
    if user is None:
        raise SignInRequired("/for-you")
    state = request.app.state
    items, notice = await run_in_threadpool(personal.for_user, state.db, state.settings,
                                            user["id"], limit=30)
    return render(request, "digest/for_you.html",
                  {"items": items, "notice": notice, "section": "for-you", "next_url": "/for-you"})


@router.post("/papers/{arxiv_id:arxiv_id}/mark")
async def mark(request: Request, arxiv_id: str, user: dict = Depends(acting_user),
               kind: str = Form("", max_length=20), next: str = Form("", max_length=2000)
               ) -> Response:
    if kind not in MARKS:
        return await error_page(request, 400, "Mark a paper as saved or not interested.")
    db = request.app.state.db
    try:
        key = voting.resolve_id(arxiv_id)
    except voting.PaperNotFound:
        key = None
    done = key is not None and await run_in_threadpool(_set_mark, db, user["id"], key,
                                                       MARKS[kind])
    if not done:
        return await error_page(request, 404, f"There is no paper {arxiv_id} to mark.",
                                q=arxiv_id)
    return RedirectResponse(safe_next(next, default="/for-you"), status_code=303)


def _set_mark(db, user_id: int, arxiv_id: str, kind: str | None) -> bool:  # noqa: ANN001
    with db.write() as conn:
        paper = paper_store.get(conn, arxiv_id)
        if paper is None:
            return False
        mark_store.set_mark(conn, user_id, paper["id"], kind, datetime.now(UTC))
    return True


@router.post("/search/alerts")
async def save_search(request: Request, user: dict = Depends(acting_user),
                      q: str = Form("", max_length=500), mode: str = Form("", max_length=16),
                      category: str = Form("", max_length=32)) -> Response:
    """Keep a search as an alert: its new matches go in the reader's next digest."""
    if not q.strip():
        return await error_page(request, 400, "Type a search first, then save it as an alert.")
    filters = {k: v for k, v in (("mode", mode), ("category", category)) if v}
    await run_in_threadpool(_save_search, request.app.state.db, user["id"], q.strip(), filters)
    return RedirectResponse("/settings/digest?saved=1#alerts", status_code=303)


def _save_search(db, user_id: int, query: str, filters: dict) -> None:  # noqa: ANN001
    with db.write() as conn:
        search_store.add(conn, query, filters, datetime.now(UTC), user_id=user_id)


# -- digest settings in the account -------------------------------------------------------------


@router.get("/settings/digest")
async def digest_settings(request: Request, user: dict | None = Depends(viewer)) -> Response:
    if user is None:
        raise SignInRequired("/settings/digest")
    context = await run_in_threadpool(_settings_context, request.app.state.db, user)
    context["saved"] = request.query_params.get("saved") == "1"
    return render(request, "digest/settings.html", context)


@router.post("/settings/digest")
async def save_digest_settings(request: Request, user: dict = Depends(acting_user)) -> Response:
    form = await request.form()
    state = request.app.state
    wanted = {
        "frequency": form.get("frequency", "daily"), "timezone": form.get("timezone", "UTC"),
        "send_hour": form.get("send_hour", "7"), "weekly_day": form.get("weekly_day", "0"),
        "content": form.getlist("content"),
    }
    try:
        await run_in_threadpool(_subscribe_account, state.db, state.settings, user, wanted)
    except (subscriptions.InvalidPreferences, subscriptions.InvalidEmail) as error:
        context = await run_in_threadpool(_settings_context, state.db, user)
        context["error"] = str(error)
        return render(request, "digest/settings.html", context, status_code=422)
    return RedirectResponse("/settings/digest?saved=1", status_code=303)


@router.post("/settings/digest/alerts/delete")
async def delete_alert(request: Request, user: dict = Depends(acting_user),
                       search_id: int = Form(...)) -> Response:
    await run_in_threadpool(_delete_alert, request.app.state.db, user["id"], search_id)
    return RedirectResponse("/settings/digest#alerts", status_code=303)


def _delete_alert(db, user_id: int, search_id: int) -> None:  # noqa: ANN001
    with db.write() as conn:
        search_store.remove(conn, search_id, user_id=user_id)


def _subscribe_account(db, settings, user: dict, wanted: dict) -> None:  # noqa: ANN001
    """Subscribe the account's address (double opt-in still applies) and set its preferences."""
    preferences = subscriptions.clean_preferences(wanted)
    with db.read() as conn:
        row = subscription_store.for_user(conn, user["id"])
    if row is None:
        if not user.get("email"):
            raise subscriptions.InvalidEmail("Your account has no email address.")
        subscribed = subscriptions.subscribe(db, settings, user["email"], user_id=user["id"])
        row = {"id": subscribed.subscription_id}
    subscriptions.update_preferences(db, row["id"], preferences)


def _settings_context(db, user: dict) -> dict:  # noqa: ANN001
    with db.read() as conn:
        row = subscription_store.for_user(conn, user["id"])
        if row is None and user.get("email"):
            row = subscription_store.get_by_email(conn, user["email"])
        alerts = search_store.for_owner(conn, user_id=user["id"], subscription_id=None)
    return {
        "subscription": row, "alerts": alerts, "error": None, "saved": False,
        "sections": [(key, SECTION_TITLES[key]) for key in SECTIONS],
        "weekdays": list(enumerate(schedule.WEEKDAYS)),
        "timezones": schedule.timezones(), "section": "settings",
    }


# -- the admin's view of the outbox ------------------------------------------------------------


@router.get("/admin/digests")
async def admin_digests(request: Request, user: dict | None = Depends(viewer)) -> Response:
    if user is None:
        raise SignInRequired("/admin/digests")
    if not user.get("is_admin"):
        return await error_page(request, 403, "Only the site's admins can see the outbox.")
    counts, problems = await run_in_threadpool(_outbox_overview, request.app.state.db)
    return render(request, "digest/admin.html", {"counts": counts, "problems": problems})


@router.post("/admin/digests/resend")
async def admin_resend(request: Request, user: dict = Depends(acting_user),
                       outbox_id: int = Form(...)) -> Response:
    if not user.get("is_admin"):
        return await error_page(request, 403, "Only the site's admins can resend mail.")
    await run_in_threadpool(_requeue, request.app.state.db, outbox_id)
    return RedirectResponse("/admin/digests", status_code=303)


def _outbox_overview(db) -> tuple[dict, list]:  # noqa: ANN001
    with db.read() as conn:
        return outbox_store.counts(conn), outbox_store.problems(conn)


def _requeue(db, outbox_id: int) -> None:  # noqa: ANN001
    with db.write() as conn:
        outbox_store.requeue(conn, outbox_id, datetime.now(UTC))
