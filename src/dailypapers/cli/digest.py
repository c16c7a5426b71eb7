"""``dailypapers digest``: compose what is due and send it; show and resend mails that need
attention."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from dailypapers import background
from dailypapers.cli import loops
from dailypapers.cli.context import Context, console, pass_context
from dailypapers.digest import jobs, outbox


@click.group("digest")
def group() -> None:
    """Email digests: compose what is due and send it; show and resend problem mails."""


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not an ISO date-time (2026-03-03T07:30)") from error
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@group.command("run")
@loops.loop_option("Keep going (compose every minute, send within seconds) until SIGTERM.")
@click.option(
    "--dry-run",
    "dry_run",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the digests due now to this folder as .eml files; send and store nothing.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="Compose what was due at this moment (ISO date-time; UTC unless it has an "
    "offset), for backfills and tests.",
)
@click.option("--worker-id", default=None, help="Name this worker in leases (default host:pid).")
@pass_context
def run(
    ctx: Context, loop: bool, dry_run: Path | None, as_of: str | None, worker_id: str | None
) -> None:
    """Compose every digest that is due into the outbox, then send the outbox over SMTP."""
    moment = _moment(as_of)
    db = ctx.upgraded_db()
    if dry_run is not None:
        written = jobs.write_dry_run(db, ctx.settings, moment or datetime.now(UTC), dry_run)
        console.print(f"wrote {len(written)} message(s) to {dry_run}")
        return
    stop = loops.stop_on_sigterm()  # a worker stopped mid-round gives its claimed rows back
    composed, sent = jobs.run_once(db, ctx.settings, as_of=moment, worker_id=worker_id, stop=stop)
    click.echo(
        f"composed {composed.composed} (empty {composed.empty}, already there "
        f"{composed.already}); sent {sent.sent}, to retry {sent.retried}, failed "
        f"{sent.failed}, unconfirmed {sent.unconfirmed}, cancelled {sent.cancelled}",
        err=True,
    )
    if loop:  # then serve's two mail jobs: compose every minute, send within seconds
        runner = background.Runner(jobs.mail_jobs(db, ctx.settings, worker_id=worker_id))
        runner.start()
        while not loops.pause(stop, jobs.INTERVAL):
            pass
        runner.stop()


@group.command("status")
@pass_context
def status(ctx: Context) -> None:
    """Mails by state, and the failed / unconfirmed ones the admin should look at."""
    seen = outbox.overview(ctx.upgraded_db())
    table = Table(title="outbox")
    table.add_column("status")
    table.add_column("mails", justify="right")
    for state in outbox.STATES:
        table.add_row(state, str(seen.counts.get(state, 0)))
    Console().print(table)
    if seen.problems:
        listing = Table(title="needs attention (resend with `dailypapers digest resend ID`)")
        for column in ("id", "status", "kind", "period", "recipient", "Message-ID", "error"):
            listing.add_column(column, overflow="fold")
        for row in seen.problems:
            listing.add_row(
                str(row["id"]),
                row["status"],
                row["kind"],
                row["period"],
                row["recipient"],
                row["message_id"],
                row["last_error"] or "",
            )
        Console().print(listing)


@group.command("resend")
@click.argument("outbox_ids", nargs=-1, type=int, required=True)
@pass_context
def resend(ctx: Context, outbox_ids: tuple[int, ...]) -> None:
    """Queue failed or unconfirmed mails again (same Message-ID: clients merge duplicates)."""
    done = outbox.requeue(ctx.upgraded_db(), list(outbox_ids))
    console.print(f"queued again: {done or 'none'}")
    if len(done) != len(outbox_ids):
        sys.exit(1)
