"""What every command needs: the settings, and the database built lazily (``--help`` never
touches it); and the console the commands print to."""

from __future__ import annotations

import click
from rich.console import Console

from dailypapers import config
from dailypapers.db import Database, connect

console = Console(stderr=True)


class Context:
    def __init__(self) -> None:
        self.settings = config.load()
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = connect(self.settings.resolved_database_url)
        return self._db

    def upgraded_db(self) -> Database:
        """The database migrated to the newest schema, with the data that schema expects
        filled in (the HTML of comments written before it was stored)."""
        # Imported here: Alembic costs most of a command's start, and the job commands that
        # run every minute (deliver, digest send) never migrate.
        from dailypapers.db import migrate as migrations
        from dailypapers.papers import discussion

        migrations.upgrade(self.db)
        discussion.store_missing_html(self.db)
        return self.db


pass_context = click.make_pass_decorator(Context, ensure=True)
