"""Every form the site shows, and every route of its pages, sent hostile values field by field:
the site answers each with a page or JSON that says what was wrong, never a 5xx.

The walk crawls the site anonymously, as carol (an admin, on the admin pages) and as alice (from
``/`` and the pages that hold forms: settings, digest, tokens, submit, a discussed paper,
search, the mail links), collects each distinct ``<form>`` (its fields as a browser sends them,
CSRF token included), then adds every page route of ``app.routes`` that no form points at. Each
is sent with hostile headers; with, one field at a time, the values of ``HOSTILE``
(:mod:`tests.support.hostile`; in a field that carries an id, the ids of bob's things too);
each field missing and sent twice; no fields; every field a file; a thousand more fields; the
form as JSON; a body not UTF-8. The signed-in walks also send each path parameter of each
route those values. Bob's things are still there afterwards. On PostgreSQL the walk sends what
reaches the store (the values whose storage differs, bob's ids, hostile paths), not the attacks
on the request's shape, which the web layer answers before any store call. The API and the
feeds (what ``/openapi.json`` lists) are schemathesis' (``tests/web/api/``).

Deterministic and bounded (the crawl's limits): the same requests, the same findings, each run.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from dailypapers.accounts import administration, tokens
from dailypapers.digest import account, subscriptions
from dailypapers.digest import tokens as mail_tokens
from dailypapers.feeds import service as feeds
from dailypapers.papers import discussion
from dailypapers.webhooks import subscriptions as webhooks
from tests.support import corpora, data, forms, web
from tests.support.hostile import (
    CSRF_VALUES,
    FILE,
    HEADERS,
    HOSTILE,
    HTMX_VALUES,
    MANY_FIELDS,
    NOT_UTF8,
    STORED,
)

pytestmark = [pytest.mark.slow, pytest.mark.store("feed")]

# Marks of an answer that says what went wrong: a page's heading or a form's error.
MESSAGES = re.compile(r'<h1|class="(field|form)-error"|role="alert"')
BOBS_COMMENT = "Bob wrote this first"
HOOK = "https://93.184.215.14/hooks/fuzz"  # a literal public address: no DNS, never posted to
SEEDS = [
    "/",
    "/papers",
    "/papers/trending",
    f"/papers/{corpora.HOSTILE_ID}",
    "/search?q=language+models",
    "/subscribe",
    "/signin",
    "/signup",
    "/submit",
    "/settings",
    "/settings/digest",
    "/settings/tokens",
    "/settings/webhooks",
    "/for-you",
    "/users/bob",
    "/admin/digests",
]
# Forms that end the session: the walk sends them last, so the rest is sent signed in.
SIGN_OUTS = ("/signout", "/settings/account/sign-out-everywhere")


@dataclass
class Target:
    """A form or a route to attack: where it goes, what it sends as is, which fields to vary
    (none: send it once as it is, as for a hostile path)."""

    method: str
    path: str
    fields: list[tuple[str, str]]
    names: list[str]
    label: str = ""


@dataclass
class Walker:
    """Who walks the site: their client, where they start, which routes they attack."""

    who: str
    client: TestClient
    seeds: list[str]
    signed_in: bool
    under: str = "/"  # only the routes under this path


@pytest.mark.every_backend
def test_it_answers_every_hostile_form_and_route_with_a_message_not_a_5xx(
    app, db, client, as_user, alice, bob, carol, others, caplog
):
    caplog.set_level(logging.ERROR, logger="dailypapers")
    administration.make_admin(db, carol.username)
    seeds = [*SEEDS, *others["mail links"]]
    walkers = [
        Walker("anonymous", client, seeds, signed_in=False),
        Walker("carol, an admin", as_user(carol), ["/admin/digests"], True, under="/admin/"),
        Walker("alice", as_user(alice), seeds, signed_in=True),
    ]
    found: dict[str, list[str]] = defaultdict(list)  # what went wrong -> the requests
    done: set[tuple] = set()  # what one walker attacked whole, the next leaves out
    for walker in walkers:
        for request, problem in _walk_site(app, walker, others, done):
            what = _logged_error(caplog) if problem[0] == "5" else "no message"
            found[what].append(f"{walker.who} {request}: {problem}")
    report = "\n".join(
        f"{what}\n  {len(requests)} requests, e.g.\n    " + "\n    ".join(requests[:6])
        for what, requests in found.items()
    )
    assert not found, f"hostile requests got a 5xx or no message:\n{report}"
    # Bob's ids were sent everywhere; nothing of his was touched.
    assert others["ids"]["bob's alert"] in {str(a.id) for a in account.of(db, bob).alerts}
    assert others["ids"]["bob's token"] in {str(t.id) for t in tokens.list_for(db, bob, "api")}
    assert others["ids"]["bob's webhook"] in {str(w.id) for w in webhooks.for_user(db, bob.id)}
    assert others["ids"]["bob's private feed"] in {str(f.id) for f in feeds.of_user(db, bob)}
    assert BOBS_COMMENT in client.get(f"/papers/{corpora.HOSTILE_ID}").text


def _walk_site(app, walker: Walker, others: dict, done: set) -> Iterator[tuple[str, str]]:
    """(request, what is wrong with its answer) for each bad answer of ``walker``'s walk."""
    seen = forms.crawl(walker.client, walker.seeds, pages=70)
    for path, status in seen.statuses.items():
        if status >= 500:
            yield f"GET {path} (crawling)", str(status)
    targets = [
        target
        for target in _targets(app, seen.forms, others, paths=walker.signed_in)
        if target.path.startswith(walker.under)
    ]
    values = {**others["hostile"], **others["ids"]}
    walk = _walk(
        walker.client, targets, values, done, signed_in=walker.signed_in, shapes=others["shapes"]
    )
    for attempt, response in walk:
        problem = _problem_of(response)
        if problem:
            shown = attempt.path if len(attempt.path) < 100 else attempt.path[:100] + "…"
            yield f"{attempt.method} {shown} {attempt.label}", problem


def test_every_form_the_site_shows_posts_to_one_of_its_routes(app, as_user, alice, others):
    reader = as_user(alice)
    seen = forms.crawl(reader, [*SEEDS, *others["mail links"]], pages=70)
    routes = web.parameters_of(app)
    actions = {(form.method, urlsplit(form.action).path) for form in seen.forms}
    shown = {path for _method, path in actions}
    assert {"/submit", "/settings/tokens", "/settings/digest", "/subscribe"} <= shown
    assert any(re.fullmatch(r"/comments/\d+/delete", path) for path in shown)
    lost = {
        (method, path)
        for method, path in actions
        if not any(method in r.methods and forms.route_matches(r.path, path) for r in routes)
    }
    assert lost == set()
    # The walk's requests carry the session's token: a form sent as the walk sends it works.
    fields = [("csrf_token", forms.CSRF), ("name", "made by the walk")]
    made = forms.send(
        reader,
        forms.Attempt("", "POST", "/settings/tokens", fields),
        web.page_token(reader, "/submit"),
    )
    assert made.status_code == 200 and "made by the walk" in made.text


# -- what the walk is given ----------------------------------------------------------------------


@pytest.fixture
def settings(settings):
    # A paper arXiv would be asked about is asked at a closed port (a quick 502), never online.
    return settings.model_copy(update={"arxiv_api_url": "http://127.0.0.1:9/api/query"})


@pytest.fixture
def others(db, settings, alice, bob) -> dict:
    """Bob's things (ids alice must not reach), alice's own (so her pages show their forms),
    and the links of a subscription's mails."""
    bobs = discussion.post(db, bob.id, corpora.HOSTILE_ID, BOBS_COMMENT)
    discussion.post(db, alice.id, corpora.HOSTILE_ID, "Alice's reply", bobs.id)
    alert = account.save_alert(db, bob, "attention", {})
    account.save_alert(db, alice, "transformers", {"mode": "keyword"})
    _secret, token = tokens.create(db, bob, "api", "bob's script")
    tokens.create(db, alice, "api", "alice's script")
    tokens.create(db, alice, "feed", "alice's reader")
    feed = data.feed(db, bob, private=True, categories=["cs.CL"])
    bobs_hook, _ = webhooks.add(db, settings, user=bob, feed_id=feed.id, url=HOOK, fmt="json")
    made = subscriptions.subscribe(db, settings, "bob@example.org")
    unsubscribe = mail_tokens.unsubscribe_token(settings, made.subscription_id, made.email)
    return {
        "hostile": STORED if db.is_postgresql else HOSTILE,
        # A request's shape (headers, a field missing or twice, a body no form sends) is read
        # by the web layer before any store call: the same on both backends, sent on SQLite.
        "shapes": not db.is_postgresql,
        "ids": {
            "bob's comment": str(bobs.id),
            "bob's alert": str(alert),
            "bob's token": str(token.id),
            "bob's subscription": str(made.subscription_id),
            "bob's webhook": str(bobs_hook.id),
            "bob's private feed": str(feed.id),
        },
        "path values": {"comment_id": str(bobs.id), "tokenId": str(token.id)},
        "mail links": [f"/unsubscribe/{unsubscribe}", f"/digest/preferences/{unsubscribe}"],
    }


def _targets(app, found: list[forms.Form], others: dict, *, paths: bool) -> list[Target]:
    """The crawled forms, every page route no form points at (and, with ``paths``, each route
    with each path parameter hostile); the forms that sign out come last."""
    routes = web.parameters_of(app)
    targets = [
        Target(
            form.method,
            form.action,
            [(n, forms.CSRF if n == "csrf_token" else v) for n, v in form.fields],
            _names_of(form, routes),
        )
        for form in found
    ]
    for route in routes:
        if route.in_schema:
            continue
        path = web.fill_path(route.path, others["path values"])
        for method in sorted(route.methods - {"HEAD"}):
            if any(t.method == method and forms.route_matches(route.path, t.path) for t in targets):
                continue
            posted = [] if method == "GET" else ["csrf_token", *route.field_names]
            names = [*posted, *route.query_names]
            if names:
                fields = [(name, forms.CSRF if name == "csrf_token" else "") for name in names]
                targets.append(Target(method, path, fields, names))
        if paths:
            targets.extend(_path_targets(route, others))
    return sorted(targets, key=lambda t: urlsplit(t.path).path in SIGN_OUTS)


def _names_of(form: forms.Form, routes: list[web.RouteParameters]) -> list[str]:
    """The fields to vary: the form's, then those its route reads that the form does not show
    (a page number, a filter), so hand-made requests are tried too."""
    names = list(form.names) or ["csrf_token"]
    for route in routes:
        if form.method in route.methods and forms.route_matches(route.path, form.action):
            read = route.query_names if form.method == "GET" else route.field_names
            names += [name for name in read if name not in names]
    return names


def _path_targets(route: web.RouteParameters, others: dict) -> Iterator[Target]:
    """The route with each path parameter hostile in turn."""
    method = "GET" if "GET" in route.methods else sorted(route.methods)[0]
    fields = [] if method == "GET" else [("csrf_token", forms.CSRF)]
    for name in route.path_names:
        for label, value in {**others["hostile"], **others["ids"]}.items():
            hostile = {**others["path values"], name: quote(value[: forms.URL_LIMIT], safe="")}
            path = web.fill_path(route.path, hostile)
            yield Target(method, path, fields, [], label=f"path {name}={label}")


def _walk(
    client: TestClient,
    targets: list[Target],
    values: dict[str, str],
    done: set,
    *,
    signed_in: bool,
    shapes: bool,
) -> Iterator[tuple[forms.Attempt, Response]]:
    """Send each target's attempts with ``values`` (and ``shapes``: see :func:`_attempts`), but
    those in ``done``; a target that sends this reader to sign in is left to a signed-in walk
    (nothing of the request is read before that), the others are added to ``done``."""
    token = web.page_token(client, "/submit")
    for target in targets:
        key = (target.method, target.path, target.label, frozenset(target.names))
        if key in done:
            continue
        for attempt in _attempts(target, values, shapes=shapes):
            response = forms.send(client, attempt, token)
            if "set-cookie" in response.headers:  # a new session, a new token
                token = web.page_token(client, "/submit")
            yield attempt, response
            sent_to_sign_in = response.headers.get("location", "").startswith("/signin?")
            if sent_to_sign_in and not attempt.headers:  # (its headers are read before that)
                break
        else:
            if urlsplit(target.path).path not in SIGN_OUTS:  # signing out differs for each
                done.add(key)
        if signed_in and target.names and urlsplit(target.path).path not in SIGN_OUTS:
            still = client.get("/settings/tokens", follow_redirects=False).status_code == 200
            assert still, f"{target.method} {target.path} signs out: add it to SIGN_OUTS"


def _attempts(target: Target, values: dict[str, str], *, shapes: bool) -> Iterator[forms.Attempt]:
    """A target as it is and its hostile fields one by one; with ``shapes``, also the attacks on
    the request's shape (hostile headers, a field missing or twice, the whole body's)."""
    base, method, path = target.fields, target.method, target.path
    if not target.names:  # a hostile path: that one request is the attack
        yield forms.Attempt(target.label, method, path, base)
        return
    for label, headers in HEADERS.items() if shapes else ():
        yield forms.Attempt(f"with {label}", method, path, base, headers=headers)
    yield forms.Attempt("as it is", method, path, base)
    for name in target.names:
        kept = [(n, v) for n, v in base if n != name]
        chosen = CSRF_VALUES if name == "csrf_token" else [v for v in values if v in HOSTILE]
        if _names_a_thing(name):
            chosen = [*chosen, *(v for v in values if v not in HOSTILE)]  # bob's ids
        for label in chosen:
            sent = [*kept, (name, values[label])]
            yield forms.Attempt(f"{name}={label}", method, path, sent)
            if label in HTMX_VALUES and method != "GET":
                yield forms.Attempt(f"htmx {name}={label}", method, path, sent, htmx=True)
        if shapes:
            yield forms.Attempt(f"{name} missing", method, path, kept)
            yield forms.Attempt(f"{name} twice", method, path, [*base, (name, HOSTILE["2**63"])])
    if shapes and method != "GET":
        files = {n: FILE for n in target.names if n != "csrf_token"}
        yield forms.Attempt("no fields", method, path, [("csrf_token", forms.CSRF)])
        yield forms.Attempt(
            "every field a file", method, path, [("csrf_token", forms.CSRF)], files=files
        )
        many = [*base, *((f"f{i}", "x") for i in range(MANY_FIELDS))]
        yield forms.Attempt(f"{MANY_FIELDS:,} more fields", method, path, many)
        yield forms.Attempt("as JSON", method, path, json=dict(base))
        yield forms.Attempt("not UTF-8", method, path, raw=NOT_UTF8)


def _names_a_thing(field: str) -> bool:
    """A field that carries an id (``comment_id``, ``tokenId``): where bob's ids are tried."""
    return field == "id" or field.endswith(("_id", "Id"))


# -- what the answers are held to ----------------------------------------------------------------


def _problem_of(response: Response) -> str:
    """What is wrong with an answer to a hostile request ("" when nothing is)."""
    status = response.status_code
    if status >= 500:
        return str(status)
    if status < 400:
        return ""
    kind = response.headers.get("content-type", "")
    if kind.startswith("application/json"):
        body = response.json()
        return "" if isinstance(body, dict) and body.get("error") else f"{status}, JSON, no error"
    if kind.startswith("text/html") and MESSAGES.search(response.text.split("<main", 1)[-1]):
        return ""
    return f"{status}, {kind or 'no content type'}, no message"


def _logged_error(caplog: pytest.LogCaptureFixture) -> str:
    """Where the last traceback the app logged (its 500 handler logs each) was raised, and
    what it said."""
    for record in reversed(caplog.records):
        if record.exc_info:
            frames = traceback.extract_tb(record.exc_info[2])
            ours = [f for f in frames if "/src/dailypapers/" in f.filename] or frames
            error = traceback.format_exception_only(record.exc_info[1])[-1].strip()
            caplog.clear()
            where = " < ".join(
                f"{frame.filename.split('/src/')[-1]}:{frame.lineno} {frame.name}"
                for frame in reversed(ours[-2:])
            )
            return f"{error[:300]} at {where}"
    return "a 5xx with no traceback logged"
