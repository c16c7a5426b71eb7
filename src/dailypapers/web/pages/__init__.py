"""The site's HTML pages, a handler module per area. ``ROUTERS`` is every page router, in the
order the app includes them (fixed paths before the catch-all shapes of ``paper`` and ``feed``)."""

from __future__ import annotations

from dailypapers.web.pages import (
    account_links,
    account_settings,
    accounts,
    admin,
    authors,
    categories,
    citations,
    claims,
    collections,
    comments,
    digest,
    digest_settings,
    feed,
    following,
    for_you,
    library,
    paper,
    search,
    submit,
    tokens,
    votes,
    watching,
    webhooks,
)

ROUTERS = [
    citations.router,  # before the shapes of paper, collection and feed pages it extends
    votes.router,
    comments.router,
    submit.router,
    accounts.router,
    account_settings.router,
    account_links.router,
    tokens.router,
    webhooks.router,
    digest.router,
    digest_settings.router,
    for_you.router,
    following.router,
    collections.router,
    library.router,
    watching.router,
    admin.router,
    claims.router,
    authors.router,
    categories.router,
    paper.router,
    feed.router,
    search.router,
]
