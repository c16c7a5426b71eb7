"""``dailypapers harvest``: the network sources (upstream feed, arXiv OAI-PMH, arXiv API) for a
range of days, once or (``--loop``) on their schedule."""

from __future__ import annotations

import sys
from datetime import date, datetime

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dailypapers.cli import loops
from dailypapers.cli.context import Context, console, pass_context
from dailypapers.cli.output import print_rejections, print_summary, quiet_option
from dailypapers.config import Settings
from dailypapers.db import Database
from dailypapers.ingest import harvest
from dailypapers.ingest.pipeline import ImportSummary, Pipeline
from dailypapers.search import indexing


@click.command("harvest")
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Choice(list(harvest.SOURCES)),
    help="Source to harvest (repeatable). Default: DAILYPAPERS_HARVEST_SOURCES.",
)
@click.option(
    "--from",
    "start",
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day (YYYY-MM-DD). Default: the day of the source's last successful "
    "harvest, or a week ago.",
)
@click.option(
    "--until",
    "end",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Last day (YYYY-MM-DD). Default: today.",
)
@loops.loop_option(
    "Keep going: harvest each source again every DAILYPAPERS_HARVEST_INTERVAL "
    "seconds (a failed one sooner). SIGTERM or Ctrl-C stops after the harvest under way.",
)
@quiet_option
@pass_context
def command(
    ctx: Context,
    sources: tuple[str, ...],
    start: datetime | None,
    end: datetime | None,
    loop: bool,
    quiet: bool,
) -> None:
    """Harvest the network sources for a range of days."""
    stop = loops.stop_on_sigterm() if loop else None
    chosen = list(sources) or list(ctx.settings.harvest_sources)
    if not chosen:
        raise click.UsageError("no source: pass --source or set DAILYPAPERS_HARVEST_SOURCES")
    start_day, end_day = (start.date() if start else None), (end.date() if end else None)
    if start_day and end_day and start_day > end_day:
        raise click.UsageError(f"--from {start_day} is after --until {end_day}")
    db = ctx.upgraded_db()
    settings = ctx.settings.model_copy(update={"harvest_sources": chosen})
    results = _run(db, settings, (start_day, end_day), quiet, first=True)
    while stop is not None and not stop.is_set():
        pause = harvest.seconds_until_due(db, settings)
        console.print(f"next harvest in {pause:.0f} s (Ctrl-C or SIGTERM to stop)")
        if loops.pause(stop, pause):
            return
        _run(db, settings, (None, None), quiet, first=False)
    if results and all(r.error for r in results):
        sys.exit(1)


def _run(
    db: Database,
    settings: Settings,
    days: tuple[date | None, date | None],
    quiet: bool,
    *,
    first: bool,
) -> list[harvest.SourceResult]:
    """One harvest: every chosen source over ``days`` (first), else the sources that are due."""
    rejections: list[str] = []
    pipeline = Pipeline(
        db,
        on_rejection=lambda r: rejections.append(str(r)),
        listeners=[indexing.listener(settings)],
    )
    with _progress(quiet) as bar:
        tasks: dict[str, object] = {}

        def advance(source: str, count: int, total: int | None) -> None:
            if source not in tasks:
                tasks[source] = bar.add_task(source, total=None)
            if total is not None:
                bar.update(tasks[source], total=total)
            bar.advance(tasks[source], count)

        if first:
            results = harvest.harvest(
                db,
                settings,
                list(settings.harvest_sources),
                start=days[0],
                end=days[1],
                pipeline=pipeline,
                progress=advance,
            )
        else:
            results = harvest.run_due(db, settings, pipeline=pipeline)
    print_rejections(rejections)
    if results or first:
        _print_results(results)
    return results


def _progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("papers"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
    )


def _state(result: harvest.SourceResult) -> str:
    if result.skipped:
        return f"skipped: {result.skipped}"
    if result.error:
        return "failed (see below)"
    if result.problems:
        return f"ok, {len(result.problems)} day(s) unavailable"
    return "ok"


def _print_results(results: list[harvest.SourceResult]) -> None:
    table = Table(title="harvest by source")
    for column in ("source", "days", "new", "updated", "unchanged", "rejected", "status"):
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    total = ImportSummary()
    for result in results:
        summary = result.summary
        total.add(summary)
        days = f"{result.start}..{result.end}" if result.start else "-"
        table.add_row(
            result.source,
            days,
            str(summary.new),
            str(summary.updated),
            str(summary.unchanged),
            str(summary.rejected),
            _state(result),
        )
    Console(width=max(Console().width, 160)).print(table)
    for result in results:
        if result.error:
            console.print(
                f"[red]failed[/] {result.source}: {result.error}",
                markup=True,
                highlight=False,
                soft_wrap=True,
            )
        for problem in result.problems:
            console.print(
                f"[yellow]unavailable[/] {problem}", markup=True, highlight=False, soft_wrap=True
            )
    print_summary(total, title="harvest summary")
