"""What the commands print: progress bars, import summaries, rejected records."""

from __future__ import annotations

import click
from rich.console import Console
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
from sqlalchemy.engine import make_url

from dailypapers.cli.context import console
from dailypapers.ingest.pipeline import ImportSummary

# The commands that show a progress bar take ``--quiet`` to show none.
quiet_option = click.option("--quiet", is_flag=True, help="No progress bar.")
REJECTIONS_SHOWN = 20  # rejected records printed one by one; the rest are counted


def progress(quiet: bool, *, count: bool = False) -> Progress:
    """A progress bar of items (``count``) or of bytes."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn() if count else DownloadColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
    )


def print_rejections(rejections: list[str]) -> None:
    for line in rejections[:REJECTIONS_SHOWN]:
        console.print(f"[yellow]rejected[/] {line}", markup=True, highlight=False, soft_wrap=True)
    if len(rejections) > REJECTIONS_SHOWN:
        console.print(f"... and {len(rejections) - REJECTIONS_SHOWN} more rejected records")


def print_summary(summary: ImportSummary, title: str = "import summary") -> None:
    table = Table(title=title)
    for column in (
        "new",
        "updated",
        "unchanged",
        "rejected",
        "feed entries new",
        "feed entries updated",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        *(
            str(v)
            for v in (
                summary.new,
                summary.updated,
                summary.unchanged,
                summary.rejected,
                summary.feed_new,
                summary.feed_updated,
            )
        )
    )
    Console().print(table)


def describe_url(url: str) -> str:
    """A database URL fit to print (no password)."""
    return make_url(url).render_as_string(hide_password=True)
