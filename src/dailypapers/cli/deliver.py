"""``dailypapers deliver``: queue each webhook's new papers and post the deliveries that are due
(one round, or ``--loop``)."""

from __future__ import annotations

import click

from dailypapers import background
from dailypapers.cli import loops
from dailypapers.cli.context import Context, pass_context
from dailypapers.webhooks import jobs


@click.command("deliver")
@loops.loop_option("Keep going (post within seconds of a delivery being due) until SIGTERM.")
@click.option("--worker-id", default=None, help="Name this worker in leases (default host:pid).")
@pass_context
def command(ctx: Context, loop: bool, worker_id: str | None) -> None:
    """Queue webhooks' new papers and post every delivery due: one round, for cron and tests."""
    db = ctx.upgraded_db()
    stop = loops.stop_on_sigterm()  # a worker stopped mid-round gives its claimed rows back
    done = jobs.deliver_once(db, ctx.settings, worker_id=worker_id, stop=stop)
    click.echo(
        f"delivered {done.delivered}, to retry {done.retried}, failed {done.failed} "
        f"({done.stopped} webhooks stopped), cancelled {done.cancelled}",
        err=True,
    )
    if loop:
        deliverer = jobs.Deliverer(db, ctx.settings, worker_id=worker_id)
        runner = background.Runner([background.Job(jobs.JOB, deliverer.step)])
        runner.start()
        while not loops.pause(stop, jobs.POLL):
            pass
        runner.stop()
