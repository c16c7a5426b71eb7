"""Mixed traffic from many connections at once: anonymous and signed-in pages, search, the API,
upvotes and comments, each connection a reader of its own (httpx, one keep-alive connection
each). Every answer is kept with its time, and every vote and comment acknowledged with a 2xx."""

from __future__ import annotations

import asyncio
import random
import re
import time
import uuid
from collections import deque
from dataclasses import dataclass, field

import httpx

# A client that gets a 503 or loses its connection waits this long before its next request
# (the outage's Retry-After says 5 s; a bench client asks sooner, to sample the outage).
BACKOFF = 0.2
# Comments a reader posts a minute: under the site's limit (5 a minute per user), so a refused
# comment is an error of the site, not of the bench.
COMMENTS_PER_MINUTE = 4
TIMEOUT = 10.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(slots=True)
class Outcome:
    kind: str
    start: float
    end: float
    status: int  # -1: no answer (the connection failed or timed out)
    retry_after: bool = False
    error: str = ""


@dataclass
class Reader:
    username: str | None  # None: a signed-out reader
    address: str = "10.0.0.1"  # the bench is the readers' proxy: X-Forwarded-For says who
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    voted: set[str] = field(default_factory=set)
    commented: deque[float] = field(default_factory=deque)


@dataclass
class Site:
    """What the readers ask for: the store's days, papers and some words to search."""

    days: list[str]
    papers: list[str]
    words: list[str]


def sign_in(base: str, reader: Reader, password: str, paper: str) -> None:
    """``reader`` signed in through the form, with the CSRF token its pages' forms carry."""
    headers = {"x-forwarded-for": reader.address}
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        token = CSRF.search(client.get("/signin").text).group(1)
        fields = {"csrf_token": token, "login": reader.username, "password": password}
        answer = client.post("/signin", data=fields)
        if answer.status_code != 303:
            raise RuntimeError(f"sign-in of {reader.username}: {answer.status_code}")
        reader.csrf = CSRF.search(client.get(f"/papers/{paper}").text).group(1)
        reader.cookies = dict(client.cookies)


class Load:
    def __init__(self, base: str, site: Site, readers: list[Reader], *, writes: bool = True):
        self.base, self.site, self.readers, self.writes = base, site, readers, writes
        self.outcomes: list[Outcome] = []
        self.acknowledged_votes: set[tuple[str, str]] = set()
        self.acknowledged_comments: set[str] = set()
        # Built before the clock starts: a client takes a tenth of a second to make, during
        # which the bench would read no answer.
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        self.clients = [
            httpx.AsyncClient(
                base_url=base,
                cookies=reader.cookies,
                headers={"x-forwarded-for": reader.address},
                limits=limits,
                timeout=TIMEOUT,
                verify=False,  # plain http on loopback: no certificates to load
            )
            for reader in readers
        ]
        self.started = time.monotonic()

    async def run(self, seconds: float) -> None:
        stop_at = self.started + seconds
        try:
            await asyncio.gather(
                *(
                    self._reader(r, c, stop_at)
                    for r, c in zip(self.readers, self.clients, strict=True)
                )
            )
        finally:
            for client in self.clients:
                await client.aclose()

    async def _reader(self, reader: Reader, client: httpx.AsyncClient, stop_at: float) -> None:
        while time.monotonic() < stop_at:
            kind, method, path, form = self._pick(reader)
            outcome = await self._send(client, reader, kind, method, path, form)
            self.outcomes.append(outcome)
            if 200 <= outcome.status < 300:
                self._acknowledged(reader, kind, path, form)
            elif outcome.status == 503 or outcome.status < 0:
                await asyncio.sleep(BACKOFF)

    def _pick(self, reader: Reader) -> tuple[str, str, str, dict | None]:
        site, signed = self.site, reader.username is not None
        day, paper, word = (random.choice(x) for x in (site.days, site.papers, site.words))
        choices = ["page"] * 40 + ["search"] * 12 + ["api"] * 20
        if signed and self.writes:
            choices += ["vote"] * 18 + ["comment"] * 10
        kind = random.choice(choices)
        if kind == "page":
            path = random.choice(["/", f"/papers/date/{day}", f"/papers/{paper}"])
            return ("signed-in page" if signed else "anonymous page"), "GET", path, None
        if kind == "search":
            return "search", "GET", f"/search?q={word}", None
        if kind == "api":
            path = random.choice(
                [
                    f"/api/daily_papers?date={day}",
                    f"/api/papers/{paper}",
                    f"/api/papers/search?q={word}",
                ]
            )
            return "api", "GET", path, None
        now = time.monotonic()
        while reader.commented and now - reader.commented[0] > 60:
            reader.commented.popleft()
        if kind == "comment" and len(reader.commented) < COMMENTS_PER_MINUTE:
            reader.commented.append(now)
            body = f"deploy bench comment {uuid.uuid4().hex}"
            return "comment", "POST", f"/papers/{paper}/comments", {"body": body}
        fresh = [p for p in site.papers if p not in reader.voted] or site.papers
        return "vote", "POST", f"/papers/{random.choice(fresh)}/vote", {"vote": "up"}

    async def _send(
        self, client, reader: Reader, kind: str, method: str, path: str, form
    ) -> Outcome:
        start = time.monotonic() - self.started
        headers = {"accept": "text/html"}
        if form is not None:  # htmx's way: the answer is a fragment, 200 when done
            form = {**form, "csrf_token": reader.csrf}
            headers["hx-request"] = "true"
        try:
            answer = await client.request(method, path, data=form, headers=headers)
        except httpx.TransportError as error:
            end = time.monotonic() - self.started
            return Outcome(kind, start, end, -1, error=type(error).__name__)
        end = time.monotonic() - self.started
        return Outcome(kind, start, end, answer.status_code, "retry-after" in answer.headers)

    def _acknowledged(self, reader: Reader, kind: str, path: str, form) -> None:
        paper = path.split("/")[2] if path.startswith("/papers/") else ""
        if kind == "vote":
            reader.voted.add(paper)
            self.acknowledged_votes.add((reader.username, paper))
        elif kind == "comment":
            self.acknowledged_comments.add(form["body"])
