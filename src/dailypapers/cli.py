"""The ``dailypapers`` command: serve | import | harvest | index | digest | db ...

Each command is a thin shell over a plain function (the same ones tests and the scheduler call):
it builds Settings and the Database, shows progress, and prints a summary.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from dailypapers import config
from dailypapers.db import Database, connect
from dailypapers.db import migrate as migrations
from dailypapers.ingest.pipeline import ImportSummary, Pipeline

console = Console(stderr=True)


class Context:
    """What every command needs, built lazily so ``--help`` never touches the database."""

    def __init__(self) -> None:
        self.settings = config.load()
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = connect(self.settings.resolved_database_url)
        return self._db

    def upgraded_db(self) -> Database:
        migrations.upgrade(self.db)
        return self.db


pass_context = click.make_pass_decorator(Context, ensure=True)


@click.group()
@click.version_option(package_name="dailypapers")
@click.pass_context
def main(ctx: click.Context) -> None:
    """dailypapers: daily research papers for your lab, company or community."""
    ctx.obj = Context()
    logging.basicConfig(
        level=ctx.obj.settings.log_level.upper(),
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False, rich_tracebacks=False)],
    )
    # httpx logs every request at INFO; our own lines say what matters.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


# -- db ---------------------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Database schema: upgrade, show the current revision."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@pass_context
def db_upgrade(ctx: Context, revision: str) -> None:
    """Apply migrations (serve and import do this on their own)."""
    migrations.upgrade(ctx.db, revision)
    console.print(f"database at revision {migrations.current_revision(ctx.db)}")


@db.command("current")
@pass_context
def db_current(ctx: Context) -> None:
    """Print the database's revision and the newest one this code knows."""
    click.echo(f"current: {migrations.current_revision(ctx.db)}")
    click.echo(f"head:    {migrations.head_revision(ctx.db)}")


# -- import -----------------------------------------------------------------------------------------


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--quiet", is_flag=True, help="No progress bar.")
@pass_context
def import_command(ctx: Context, paths: tuple[Path, ...], quiet: bool) -> None:
    """Import files or folders: upstream daily JSON (.json[.gz]) or arXiv listings (.jsonl[.gz])."""
    from dailypapers.ingest import importer
    from dailypapers.search import indexing as search_indexing

    db = ctx.upgraded_db()
    rejections: list[str] = []
    total = importer.count_hint(paths)
    with _progress(quiet) as progress:
        task = progress.add_task("importing", total=total or None)
        pipeline = Pipeline(db, on_rejection=lambda r: rejections.append(str(r)),
                            listeners=[search_indexing.listener(ctx.settings)])
        summary = importer.import_paths(
            db,
            paths,
            pipeline=pipeline,
            on_file_done=lambda p: progress.advance(task, p.stat().st_size if p.exists() else 0),
        )
    _print_rejections(rejections)
    print_summary(summary)
    waiting = search_indexing.pending_count(db)
    if waiting:
        console.print(f"{waiting} papers await their embeddings: `dailypapers index` computes "
                      "them now (`serve` does it in the background)")
    if summary.rejected and summary.total == summary.rejected:
        sys.exit(1)


# -- serve ------------------------------------------------------------------------------------------


@main.command()
@click.option("--host", default=None, help="Overrides DAILYPAPERS_HOST.")
@click.option("--port", default=None, type=int, help="Overrides DAILYPAPERS_PORT.")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
@click.option("--no-scheduler", is_flag=True,
              help="Do not harvest sources nor send digests in the background.")
@pass_context
def serve(ctx: Context, host: str | None, port: int | None, workers: int,
          no_scheduler: bool) -> None:
    """Run the site (upgrading the database first)."""
    import os

    import uvicorn

    settings = ctx.settings
    ctx.upgraded_db()
    console.print(f"database: {_describe_url(settings.resolved_database_url)}")
    host = host or settings.host
    port = port or settings.port
    console.print(f"serving on http://{host}:{port}/")
    if no_scheduler:
        os.environ["DAILYPAPERS_HARVEST_SOURCES"] = ""
        os.environ["DAILYPAPERS_DIGEST_SCHEDULER"] = "false"
    uvicorn.run(
        "dailypapers.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        access_log=False,
    )


# -- harvest (issue 2: network sources) ------------------------------------------------------------


@main.command("harvest")
@click.option("--source", "sources", multiple=True,
              type=click.Choice(["upstream", "oai-pmh", "arxiv-api"]),
              help="Source to harvest (repeatable). Default: DAILYPAPERS_HARVEST_SOURCES.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]),
              help="First day (YYYY-MM-DD). Default: the day of the source's last successful "
              "harvest, or DAILYPAPERS_HARVEST_FIRST_DAYS days ago.")
@click.option("--until", "end", type=click.DateTime(["%Y-%m-%d"]),
              help="Last day (YYYY-MM-DD). Default: today.")
@click.option("--loop", is_flag=True,
              help="Keep going: harvest each source again every DAILYPAPERS_HARVEST_INTERVAL "
              "seconds (failed ones after DAILYPAPERS_HARVEST_RETRY_INTERVAL).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@pass_context
def harvest_command(ctx: Context, sources: tuple[str, ...], start, end, loop: bool,  # noqa: ANN001
                    quiet: bool) -> None:
    """Harvest the network sources (upstream feed, arXiv OAI-PMH, arXiv API) for a range of days."""
    import signal
    import threading

    from dailypapers.ingest import harvest
    from dailypapers.search import indexing as search_indexing

    # A service manager stops the loop with SIGTERM: finish the harvest under way, then leave.
    stop = threading.Event()
    if loop:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())

    settings = ctx.settings
    chosen = list(sources) or list(settings.harvest_sources)
    if not chosen:
        raise click.UsageError("no source: pass --source or set DAILYPAPERS_HARVEST_SOURCES")
    start_day = start.date() if start else None
    end_day = end.date() if end else None
    if start_day and end_day and start_day > end_day:
        raise click.UsageError(f"--from {start_day} is after --until {end_day}")
    db = ctx.upgraded_db()
    first = True
    while True:
        rejections: list[str] = []
        pipeline = Pipeline(db, on_rejection=lambda r: rejections.append(str(r)),
                            listeners=[search_indexing.listener(settings)])
        with _harvest_progress(quiet) as progress:
            tasks: dict[str, object] = {}

            def advance(source: str, count: int, total: int | None) -> None:
                if source not in tasks:
                    tasks[source] = progress.add_task(source, total=None)
                if total is not None:
                    progress.update(tasks[source], total=total)
                progress.advance(tasks[source], count)

            if first:
                results = harvest.harvest(db, settings, chosen, start=start_day, end=end_day,
                                          pipeline=pipeline, progress=advance)
            else:
                results = harvest.run_due(db, settings.model_copy(
                    update={"harvest_sources": chosen}), pipeline=pipeline)
        _print_rejections(rejections)
        if results or first:
            _print_harvest(results)
        first = False
        if not loop or stop.is_set():
            break
        pause = harvest.seconds_until_due(
            db, settings.model_copy(update={"harvest_sources": chosen}))
        console.print(f"next harvest in {pause:.0f} s (Ctrl-C or SIGTERM to stop)")
        try:
            if stop.wait(max(pause, 1.0)):
                return
        except KeyboardInterrupt:
            return
    if results and all(r.error for r in results):
        sys.exit(1)


def _harvest_progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("papers"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
    )


def _print_harvest(results: list) -> None:  # noqa: ANN001 - harvest.SourceResult
    from dailypapers.ingest.pipeline import ImportSummary

    table = Table(title="harvest by source")
    for column in ("source", "days", "new", "updated", "unchanged", "rejected", "status"):
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    total = ImportSummary()
    for result in results:
        summary = result.summary
        total.add(summary)
        days = f"{result.start}..{result.end}" if result.start else "-"
        if result.skipped:
            state = f"skipped: {result.skipped}"
        elif result.error:
            state = "failed (see below)"
        elif result.problems:
            state = f"ok, {len(result.problems)} day(s) unavailable"
        else:
            state = "ok"
        table.add_row(result.source, days, str(summary.new), str(summary.updated),
                      str(summary.unchanged), str(summary.rejected), state)
    Console(width=max(Console().width, 160)).print(table)
    for result in results:
        if result.error:
            console.print(f"[red]failed[/] {result.source}: {result.error}", markup=True,
                          highlight=False, soft_wrap=True)
        for problem in result.problems:
            console.print(f"[yellow]unavailable[/] {problem}", markup=True, highlight=False,
                          soft_wrap=True)
    print_summary(total, title="harvest summary")

# -- index, eval-search (issue 4) ------------------------------------------------------------------


@main.command("index")
@click.option("--full", is_flag=True,
              help="Rebuild the vector index from every stored embedding instead of catching up "
              "the snapshot.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@pass_context
def index_command(ctx: Context, full: bool, quiet: bool) -> None:
    """Embed papers lacking a current embedding, then write the vector index snapshot.

    Resumable: an interrupted run keeps every finished batch; running it again continues with
    the papers still lacking a current embedding.
    """
    from dailypapers.search import embedder, indexing

    db = ctx.upgraded_db()
    settings = ctx.settings
    pending = indexing.pending_count(db)
    console.print(f"{pending} papers to embed ({settings.search_embedder})")
    with _progress(quiet, count=True) as progress:
        embedder.for_settings(settings)  # builds the ONNX model on first use
        task = progress.add_task("embedding", total=pending or None)
        computed = indexing.embed_pending(
            db, settings, progress=lambda n: progress.advance(task, n)
        )
        task = progress.add_task("vector index", total=None)
        index = indexing.write_snapshot(
            db, settings, full=full, progress=lambda n: progress.advance(task, n)
        )
    console.print(
        f"embedded {computed} papers; vector index of {len(index)} papers saved in "
        f"{settings.resolved_search_index_dir}"
    )


@main.command("eval-search")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--split", default="test", show_default=True, help="qrels/<split>.tsv to read.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@pass_context
def eval_search_command(ctx: Context, folder: Path, split: str, quiet: bool) -> None:
    """Evaluate search on a BEIR collection: nDCG@10 and Recall@100 per mode.

    The corpus is imported into a throwaway store (a temporary SQLite file), never the site's.
    """
    from dailypapers.search import evaluation

    try:
        collection = evaluation.load_beir(folder, split)
    except evaluation.InvalidCollection as error:
        raise click.ClickException(str(error)) from None
    with _progress(quiet, count=True) as progress:
        task = progress.add_task("embedding corpus", total=len(collection.corpus))
        report = evaluation.evaluate(
            collection, ctx.settings, progress=lambda n: progress.advance(task, n)
        )
    table = Table(title=f"search quality on {folder.name} ({len(report.queries)} queries, "
                        f"{len(collection.corpus)} documents)")
    for column in ("mode", "nDCG@10", "Recall@100", "ms/query"):
        table.add_column(column, justify="right" if column != "mode" else "left")
    for row in report.rows:
        table.add_row(row.mode, f"{row.ndcg_at_10:.4f}", f"{row.recall_at_100:.4f}",
                      f"{row.ms_per_query:.1f}")
    Console().print(table)

# -- digest (issue 5) ------------------------------------------------------------------------------


@main.group()
def digest() -> None:
    """Email digests: compose what is due and send it; show and resend problem mails."""


def _parse_as_of(value: str | None):  # noqa: ANN202
    from datetime import UTC, datetime

    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not an ISO date-time (2026-03-03T07:30)") from error
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@digest.command("run")
@click.option("--loop", is_flag=True, help="Keep going: a round every DAILYPAPERS_DIGEST_INTERVAL.")
@click.option("--dry-run", "dry_run", type=click.Path(path_type=Path), default=None,
              help="Write the digests due now to this folder as .eml files; send and store "
              "nothing.")
@click.option("--as-of", "as_of", default=None,
              help="Compose what was due at this moment (ISO date-time; UTC unless it has an "
              "offset), for backfills and tests.")
@click.option("--worker-id", default=None, help="Name this worker in leases (default host:pid).")
@pass_context
def digest_run(ctx: Context, loop: bool, dry_run: Path | None, as_of: str | None,
               worker_id: str | None) -> None:
    """Compose every digest that is due into the outbox, then send the outbox over SMTP."""
    import signal
    import threading
    from datetime import UTC, datetime

    from dailypapers.digest import jobs

    moment = _parse_as_of(as_of)
    db = ctx.upgraded_db()
    if dry_run is not None:
        written = jobs.write_dry_run(db, ctx.settings, moment or datetime.now(UTC), dry_run)
        console.print(f"wrote {len(written)} message(s) to {dry_run}")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while True:
        composed, sent = jobs.run_once(db, ctx.settings, as_of=moment, worker_id=worker_id,
                                       stop=stop)
        click.echo(f"composed {composed.composed} (empty {composed.empty}, already there "
                   f"{composed.already}); sent {sent.sent}, to retry {sent.retried}, failed "
                   f"{sent.failed}, unconfirmed {sent.unconfirmed}, cancelled {sent.cancelled}",
                   err=True)
        if not loop or stop.wait(ctx.settings.digest_interval):
            break
        moment = None  # --as-of applies to the first round only


@digest.command("status")
@pass_context
def digest_status(ctx: Context) -> None:
    """Mails by state, and the failed / unconfirmed ones the admin should look at."""
    from dailypapers.store import outbox as outbox_store

    db = ctx.upgraded_db()
    with db.read() as conn:
        counts = outbox_store.counts(conn)
        problems = outbox_store.problems(conn)
    table = Table(title="outbox")
    table.add_column("status")
    table.add_column("mails", justify="right")
    for status in ("queued", "sending", "committed", "sent", "unconfirmed", "failed",
                   "cancelled", "empty"):
        table.add_row(status, str(counts.get(status, 0)))
    Console().print(table)
    if problems:
        listing = Table(title="needs attention (resend with `dailypapers digest resend ID`)")
        for column in ("id", "status", "kind", "period", "recipient", "Message-ID", "error"):
            listing.add_column(column, overflow="fold")
        for row in problems:
            listing.add_row(str(row["id"]), row["status"], row["kind"], row["period"],
                            row["recipient"], row["message_id"], row["last_error"] or "")
        Console().print(listing)


@digest.command("resend")
@click.argument("outbox_ids", nargs=-1, type=int, required=True)
@pass_context
def digest_resend(ctx: Context, outbox_ids: tuple[int, ...]) -> None:
    """Queue failed or unconfirmed mails again (same Message-ID: clients merge duplicates)."""
    from datetime import UTC, datetime

    from dailypapers.store import outbox as outbox_store

    db = ctx.upgraded_db()
    with db.write() as conn:
        done = [i for i in outbox_ids if outbox_store.requeue(conn, i, datetime.now(UTC))]
    console.print(f"queued again: {done or 'none'}")
    if len(done) != len(outbox_ids):
        sys.exit(1)


# -- helpers ----------------------------------------------------------------------------------------


def _progress(quiet: bool, *, count: bool = False) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn() if count else DownloadColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
    )


def _print_rejections(rejections: list[str], limit: int = 20) -> None:
    for line in rejections[:limit]:
        console.print(f"[yellow]rejected[/] {line}", markup=True, highlight=False, soft_wrap=True)
    if len(rejections) > limit:
        console.print(f"... and {len(rejections) - limit} more rejected records")


def print_summary(summary: ImportSummary, title: str = "import summary") -> None:
    table = Table(title=title)
    for column in ("new", "updated", "unchanged", "rejected", "feed entries new",
                   "feed entries updated"):
        table.add_column(column, justify="right")
    table.add_row(*(str(v) for v in (summary.new, summary.updated, summary.unchanged,
                                     summary.rejected, summary.feed_new, summary.feed_updated)))
    Console().print(table)


def _describe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
