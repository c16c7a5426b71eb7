"""A reader's feeds as pages: ``/following`` lists yours (with a form for a new one),
``/following/{id}`` is a feed's papers newest first, ``/following/{id}/edit`` changes it and
``/following/{id}/delete`` removes it. The "Follow" buttons of author, category and search pages
post the same form as the new-feed form (hidden fields), so following is one click and lands on
the new feed. ``/feeds/...`` stays the RSS/Atom of list views (this feed's are under
``/feeds/following/``); the JSON is ``/api/feeds``.

A private feed someone else owns is a 404, exactly like a missing one; editing or deleting a
public feed of someone else's is a 403.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts.records import User
from dailypapers.feeds import matching, pages, service
from dailypapers.feeds.records import Feed, InvalidFeed, NoSuchFeed, NotYours, TooManyFeeds
from dailypapers.web.plumbing.auth import ActingUser, SignedIn, is_htmx, own_page
from dailypapers.web.plumbing.caching import cached_page
from dailypapers.web.plumbing.errors import render_error
from dailypapers.web.plumbing.headers import NO_STORE
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)

FEED_ID = "{feed_id}"
FeedId = Annotated[int, Path(ge=1, le=2**62)]  # beyond any row id, within every backend's integer
_UPVOTES = re.compile(r"[0-9]{1,9}")
_LIST_SEPARATORS = re.compile(r"[\s,;]+")


class FeedForm(BaseModel):
    """A feed as the new-feed, edit and "Follow" forms send it: lists as text (categories
    separated by spaces or commas, authors one per line), ``without`` words to leave out
    (each becomes ``-word`` in the query), ``has_code`` and ``private`` checkboxes."""

    name: str = Field("", max_length=500)
    categories: str = Field("", max_length=2000)
    exclude_categories: str = Field("", max_length=2000)
    authors: str = Field("", max_length=20_000)
    query: str = Field("", max_length=4000)
    without: str = Field("", max_length=1000)
    like: str = Field("", max_length=4000)
    min_upvotes: str = Field("", max_length=20)
    has_code: str = Field("", max_length=10)
    private: str = Field("", max_length=10)

    def as_feed(self) -> dict[str, Any]:
        """The feed's JSON, as the API takes it (the domain checks it)."""
        excluded = [f"-{word.lstrip('-')}" for word in self.without.split() if word.strip("-")]
        upvotes = self.min_upvotes.strip()
        return {
            "name": self.name,
            "categories": [c for c in _LIST_SEPARATORS.split(self.categories) if c],
            "exclude_categories": [c for c in _LIST_SEPARATORS.split(self.exclude_categories) if c],
            "authors": [line.strip() for line in self.authors.splitlines() if line.strip()],
            "query": " ".join([self.query.strip(), *excluded]).strip(),
            "like": self.like,
            "min_upvotes": int(upvotes) if _UPVOTES.fullmatch(upvotes) else (upvotes or 0),
            "has_code": bool(self.has_code),
            "private": bool(self.private),
        }


def form_values(feed: Feed) -> dict[str, str]:
    """A feed's fields as its edit form shows them."""
    return {
        "name": feed.name,
        "categories": " ".join(feed.categories),
        "exclude_categories": " ".join(feed.exclude_categories),
        "authors": "\n".join(feed.authors),
        "query": feed.query,
        "like": feed.like,
        "min_upvotes": str(feed.min_upvotes or ""),
        "has_code": "on" if feed.has_code else "",
        "private": "on" if feed.private else "",
    }


def _list_page(
    request: Request,
    user: User,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    feeds = service.of_user(request.app.state.db, user)
    return render(
        request,
        "feeds/list.html",
        {
            "feeds": feeds,
            "errors": errors or {},
            "values": values or {},
            "section": "following",
            "limit": service.MAX_FEEDS_PER_USER,
        },
        status_code=status_code,
        headers=NO_STORE,
    )


def _errors(error: InvalidFeed) -> dict[str, str]:
    return {error.field or "feed": f"{error.message}."}


own_page(router, "/following", _list_page)


@router.post("/following")
async def create_feed(
    request: Request, user: ActingUser, form: Annotated[FeedForm, Form()]
) -> Response:
    def run() -> Response:
        try:
            made = service.create(request.app.state.db, user, form.as_feed())
        except InvalidFeed as error:
            values = form.model_dump()
            return _list_page(request, user, errors=_errors(error), values=values, status_code=400)
        except TooManyFeeds as error:
            return render_error(request, 400, f"{error}.")
        return RedirectResponse(made.path, status_code=303)

    return await run_in_threadpool(run)


@router.api_route(f"/following/{FEED_ID}", methods=["GET", "HEAD"])
async def feed_page(
    request: Request, feed_id: FeedId, page: int = Query(1, ge=1, le=matching.MAX_PAGE)
) -> Response:
    state = request.app.state

    def build(user: User | None) -> Response:
        try:
            found = pages.feed_page(state.db, state.settings, feed_id, viewer=user, page=page)
        except NoSuchFeed:
            return _no_feed(request, feed_id)
        context = {"found": found, "section": "following" if found.mine else None}
        return render(
            request,
            "feeds/page.html",
            context,
            headers=NO_STORE if found.feed.private else None,
        )

    return await cached_page(request, build)


def _no_feed(request: Request, feed_id: int) -> Response:
    return render_error(
        request,
        404,
        f"There is no feed {feed_id} (or it is private).",
        title="Feed not found",
        action={"href": "/following", "text": "Your feeds"},
    )


@router.api_route(f"/following/{FEED_ID}/edit", methods=["GET", "HEAD"])
async def edit_page(request: Request, feed_id: FeedId, user: SignedIn) -> Response:
    def build() -> Response:
        try:
            feed = service.readable(request.app.state.db, feed_id, viewer=user)
        except NoSuchFeed:
            return _no_feed(request, feed_id)
        if feed.user_id != user.id:
            return render_error(request, 403, "Only its owner changes a feed.")
        return _edit(request, feed, form_values(feed))

    return await run_in_threadpool(build)


def _edit(
    request: Request,
    feed: Feed,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {"feed": feed, "values": values, "errors": errors or {}, "section": "following"}
    return render(request, "feeds/edit.html", context, status_code=status_code, headers=NO_STORE)


@router.post(f"/following/{FEED_ID}")
async def change_feed(
    request: Request, feed_id: FeedId, user: ActingUser, form: Annotated[FeedForm, Form()]
) -> Response:
    db = request.app.state.db

    def run() -> Response:
        try:
            feed = service.change(db, user, feed_id, form.as_feed())
        except NoSuchFeed:
            return _no_feed(request, feed_id)
        except NotYours:
            return render_error(request, 403, "Only its owner changes a feed.")
        except InvalidFeed as error:
            feed = service.readable(db, feed_id, viewer=user)
            return _edit(request, feed, form.model_dump(), _errors(error), 400)
        return RedirectResponse(feed.path, status_code=303)

    return await run_in_threadpool(run)


@router.post(f"/following/{FEED_ID}/delete")
async def delete_feed(request: Request, feed_id: FeedId, user: ActingUser) -> Response:
    def run() -> Response:
        try:
            service.delete(request.app.state.db, user, feed_id)
        except NoSuchFeed:
            return _no_feed(request, feed_id)
        except NotYours:
            return render_error(request, 403, "Only its owner deletes a feed.")
        if is_htmx(request):
            return HTMLResponse("")  # the list's row goes away in place
        return RedirectResponse("/following", status_code=303)

    return await run_in_threadpool(run)
