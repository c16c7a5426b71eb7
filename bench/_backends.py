"""What the benches that time one run on SQLite, and another on PostgreSQL when given one, share:
the ``--postgresql`` option, the runs, and their report (a table, and ``results/<name>.json``)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).parent / "results"


def add_postgresql_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--postgresql", default=None, help="also run on this (emptied!) database")


def on_each_backend(
    run: Callable[[str | None], dict[str, Any]], postgresql: str | None
) -> list[dict[str, Any]]:
    """``run(None)`` (SQLite), then ``run(postgresql)`` when a PostgreSQL URL is given."""
    results = [run(None)]
    if postgresql:
        results.append(run(postgresql))
    return results


def report(
    name: str,
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    results: list[dict[str, Any]],
) -> None:
    """Print the runs' table, right-aligned, and keep their results as ``results/<name>.json``."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*row)
    Console(width=130).print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2, default=str))
