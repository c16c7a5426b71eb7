"""``dailypapers db``: apply migrations, show the schema's revision."""

from __future__ import annotations

import click

from dailypapers.cli.context import Context, console, pass_context
from dailypapers.db import migrate as migrations


@click.group("db")
def group() -> None:
    """Database schema: upgrade, show the current revision."""


@group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@pass_context
def upgrade(ctx: Context, revision: str) -> None:
    """Apply migrations (serve and import do this on their own)."""
    if revision == "head":
        ctx.upgraded_db()
    else:
        migrations.upgrade(ctx.db, revision)
    console.print(f"database at revision {migrations.current_revision(ctx.db)}")


@group.command("current")
@pass_context
def current(ctx: Context) -> None:
    """Print the database's revision and the newest one this code knows."""
    click.echo(f"current: {migrations.current_revision(ctx.db)}")
    click.echo(f"head:    {migrations.head_revision(ctx.db)}")
