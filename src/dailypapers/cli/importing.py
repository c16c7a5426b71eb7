"""``dailypapers import PATH...``: files or folders of the upstream feed's JSON, arXiv listings
or the arXiv metadata snapshot, streamed through the ingest pipeline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dailypapers.cli.context import Context, console, pass_context
from dailypapers.cli.output import print_rejections, print_summary, progress, quiet_option
from dailypapers.ingest import importer
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.search import indexing


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@quiet_option
@pass_context
def command(ctx: Context, paths: tuple[Path, ...], quiet: bool) -> None:
    """Import files or folders: upstream daily JSON (.json[.gz]), arXiv listings (.jsonl[.gz])
    or the arXiv metadata snapshot (known by its first line, under any of those names)."""
    db = ctx.upgraded_db()
    rejections: list[str] = []
    total = importer.count_hint(paths)
    with progress(quiet) as bar:
        task = bar.add_task("importing", total=total or None)
        pipeline = Pipeline(
            db,
            on_rejection=lambda r: rejections.append(str(r)),
            listeners=[indexing.listener(ctx.settings)],
        )
        summary = importer.import_paths(
            db,
            paths,
            pipeline=pipeline,
            on_file_done=lambda p: bar.advance(task, p.stat().st_size if p.exists() else 0),
        )
    print_rejections(rejections)
    print_summary(summary)
    waiting = indexing.pending_count(db)
    if waiting:
        console.print(
            f"{waiting} papers await their embeddings: `dailypapers index` computes "
            "them now (`serve` does it in the background)"
        )
    if summary.rejected and summary.total == summary.rejected:
        sys.exit(1)
