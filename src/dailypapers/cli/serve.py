"""``dailypapers serve``: the process of a site, composed here and nowhere else.

The web app (:func:`dailypapers.web.app.create_app`) plus the background jobs named in
``DAILYPAPERS_JOBS`` (harvest, embed, digest, webhooks: :mod:`dailypapers.background`), started and
stopped with the app. With ``--workers N`` uvicorn starts N processes, each composed by
:func:`process_app`; the jobs claim their work through the database, so any number may run.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import click
import uvicorn
from fastapi import FastAPI

from dailypapers import background, config
from dailypapers.cli.context import Context, console, pass_context
from dailypapers.cli.output import describe_url
from dailypapers.config import Settings
from dailypapers.db import Database, connect
from dailypapers.digest import jobs as digest_jobs
from dailypapers.ingest.harvest_job import HarvestJob
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.library import fetching
from dailypapers.search import indexing, keyword_index
from dailypapers.web.app import create_app
from dailypapers.webhooks import jobs as webhook_jobs

# Seconds an idle keep-alive connection stays open. The side that closes an idle connection
# first races the other's next request on it (the client writes into a closing socket and gets
# a reset). Keeping it longer than every proxy's and client's own idle timeout (nginx's upstream
# keepalive_timeout and cloud load balancers: 60 s; httpx: 5 s; browsers close theirs) makes
# the client close first, so no request meets a connection uvicorn is closing. uvicorn's 5 s is
# shorter than all of them.
KEEP_ALIVE_SECONDS = 75


def background_jobs(db: Database, settings: Settings) -> list[background.Job]:
    """The jobs ``settings.jobs`` asks for (harvesting only when there are sources)."""
    wanted = set(settings.jobs)
    found = []
    if "harvest" in wanted and settings.harvest_sources:
        pipeline = Pipeline(db, listeners=[indexing.listener(settings)])
        found.append(background.Job("harvest", HarvestJob(db, settings, pipeline=pipeline)))
        # Beside it, from the same arXiv API: the papers imports named that the store lacked.
        found.append(background.Job(fetching.JOB, fetching.FetchJob(db, settings)))
    if "embed" in wanted:  # keeping search current: embeddings, and the keyword index
        found.append(background.Job("embed", indexing.EmbedJob(db, settings)))
        found.append(background.Job("keyword-index", keyword_index.KeepCurrent(db, settings)))
    if "digest" in wanted:  # composing digests, and sending every mail
        found += digest_jobs.mail_jobs(db, settings)
    if "webhooks" in wanted:  # posting queued webhook deliveries
        deliverer = webhook_jobs.Deliverer(db, settings)
        found.append(background.Job(webhook_jobs.JOB, deliverer.step))
    return found


def with_jobs(app: FastAPI, runner: background.Runner) -> FastAPI:
    """``app`` whose lifespan also starts and stops ``runner``."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        async with inner(application):
            runner.start()
            try:
                yield
            finally:
                await asyncio.to_thread(runner.stop)

    app.router.lifespan_context = lifespan
    app.state.jobs = runner
    return app


def proxy_options(settings: Settings) -> dict[str, object]:
    """uvicorn's forwarded-header options: believe ``X-Forwarded-For`` / ``-Proto`` only from
    ``DAILYPAPERS_TRUSTED_PROXIES`` (uvicorn would otherwise trust its loopback peer's), and from
    nobody when it is empty, so no client can choose the address its requests are counted by."""
    trusted = settings.trusted_proxies
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": list(trusted) or None}


def process_app() -> FastAPI:
    """One worker process: the site and its background jobs (uvicorn's factory)."""
    settings = config.load()
    db = connect(settings.resolved_database_url)
    return with_jobs(create_app(settings, db), background.Runner(background_jobs(db, settings)))


@click.command("serve")
@click.option("--host", default=None, help="Overrides DAILYPAPERS_HOST.")
@click.option("--port", default=None, type=int, help="Overrides DAILYPAPERS_PORT.")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
@click.option(
    "--no-jobs",
    is_flag=True,
    help="Run the site alone, with no background job (DAILYPAPERS_JOBS='').",
)
@pass_context
def command(ctx: Context, host: str | None, port: int | None, workers: int, no_jobs: bool) -> None:
    """Run the site (upgrading the database first) and its background jobs."""
    import os

    settings = ctx.settings
    ctx.upgraded_db()
    console.print(f"database: {describe_url(settings.resolved_database_url)}")
    host = host or settings.host
    port = port or settings.port
    console.print(f"serving on http://{host}:{port}/")
    if no_jobs:  # the worker processes read the environment again
        os.environ["DAILYPAPERS_JOBS"] = ""
    uvicorn.run(
        "dailypapers.cli.serve:process_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        access_log=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        **proxy_options(settings),
    )
