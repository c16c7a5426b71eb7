"""The ``dailypapers`` command: serve | import | harvest | index | eval-search | digest | deliver
| user | db.

Each command is a thin shell over plain functions (the same ones tests and the background jobs
call): it builds the settings and the database, shows progress, and prints a summary. Commands
are imported when invoked: ``digest run`` need not load the web app or the embedding model,
which would add seconds to every start of a job process.
"""

from __future__ import annotations

import importlib
import logging

import click
from rich.logging import RichHandler

from dailypapers.cli.context import Context, console

# command name -> "module:attribute" of its click command, under dailypapers.cli
COMMANDS = {
    "db": "database:group",
    "deliver": "deliver:command",
    "digest": "digest:group",
    "eval-search": "search:eval_command",
    "harvest": "harvest:command",
    "import": "importing:command",
    "index": "search:index_command",
    "serve": "serve:command",
    "user": "users:group",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's documented lazy loading)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(f"dailypapers.cli.{module}"), attribute)


@click.group(cls=LazyGroup)
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
