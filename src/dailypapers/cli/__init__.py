"""The ``dailypapers`` command: serve | import | harvest | index | eval-search | digest | db.

Each command is a thin shell over plain functions (the same ones tests and the background jobs
call): it builds the settings and the database, shows progress, and prints a summary.
"""

from __future__ import annotations

import logging

import click
from rich.logging import RichHandler

from dailypapers.cli import database, digest, harvest, importing, search, serve
from dailypapers.cli.context import Context, console


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


for command in (database.group, importing.command, serve.command, harvest.command,
                search.index_command, search.eval_command, digest.group):
    main.add_command(command)
