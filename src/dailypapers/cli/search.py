"""``dailypapers index`` (embeddings and the vector index) and ``dailypapers eval-search`` (search
quality on a BEIR collection)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click
from rich.console import Console
from rich.table import Table

from dailypapers.cli import loops
from dailypapers.cli.context import Context, console, pass_context
from dailypapers.cli.output import REJECTIONS_SHOWN, print_rejections, progress, quiet_option
from dailypapers.search import embedder, evaluation, indexing, keyword_index, vector_files


@click.command("index")
@click.option(
    "--full",
    is_flag=True,
    help="Rebuild the vector and keyword indexes from the store instead of catching up "
    "the existing ones.",
)
@click.option(
    "--export-texts",
    "export_to",
    type=click.File("w", encoding="utf-8", lazy=True),
    help="Write the texts of the papers lacking an embedding to this JSON Lines file "
    '({"id", "model", "text"} a line; - for stdout) to embed elsewhere, and stop.',
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="With --export-texts: every paper's text, embedded or not.",
)
@click.option(
    "--import-vectors",
    "import_from",
    type=click.File("r", encoding="utf-8"),
    help='Store the vectors of this JSON Lines file ({"id": arXiv id, "vector": [...]} a '
    "line, of the site's model; - for stdin), then write the vector index snapshot.",
)
@loops.loop_option(
    "Then keep going: embed new papers as they arrive (the embed job), until SIGTERM or Ctrl-C.",
)
@quiet_option
@pass_context
def index_command(
    ctx: Context,
    full: bool,
    export_to: TextIO | None,
    everything: bool,
    import_from: TextIO | None,
    loop: bool,
    quiet: bool,
) -> None:
    """Embed papers lacking a current embedding, then write the vector index snapshot.

    Resumable: an interrupted run keeps every finished batch; running it again continues with
    the papers still lacking a current embedding.
    """
    if export_to is not None and import_from is not None:
        raise click.UsageError("--export-texts and --import-vectors are separate runs")
    if everything and export_to is None:
        raise click.UsageError("--all goes with --export-texts")
    if export_to is not None:
        written = vector_files.export_texts(ctx.upgraded_db(), export_to, everything=everything)
        console.print(f"exported the texts of {written} papers")
        return
    if import_from is not None:
        _import_vectors(ctx, import_from, full=full, quiet=quiet)
        return
    stop = loops.stop_on_sigterm() if loop else None
    db = ctx.upgraded_db()
    settings = ctx.settings
    pending = indexing.pending_count(db)
    console.print(f"{pending} papers to embed ({settings.search_embedder})")
    with progress(quiet, count=True) as bar:
        embedder.for_settings(settings)  # builds the ONNX model on first use
        task = bar.add_task("embedding", total=pending or None)
        computed = indexing.embed_pending(db, settings, progress=lambda n: bar.advance(task, n))
        task = bar.add_task("vector index", total=None)
        index = indexing.write_snapshot(
            db, settings, full=full, progress=lambda n: bar.advance(task, n)
        )
        task = bar.add_task("keyword index", total=None)
        words = keyword_index.for_settings(db, settings).bring_up_to_date(
            db, full=full, progress=lambda n: bar.advance(task, n)
        )
    console.print(
        f"embedded {computed} papers; vector index of {len(index)} papers and keyword index "
        f"of {len(words)} papers saved in {settings.resolved_search_index_dir}"
    )
    job = indexing.EmbedJob(db, settings)
    while stop is not None and not loops.pause(stop, job(stop)):
        pass


def _import_vectors(ctx: Context, lines: TextIO, *, full: bool, quiet: bool) -> None:
    db = ctx.upgraded_db()
    with progress(quiet, count=True) as bar:
        task = bar.add_task("importing vectors", total=None)
        report = vector_files.import_vectors(
            db, ctx.settings, lines, progress=lambda n: bar.advance(task, n)
        )
        task = bar.add_task("vector index", total=None)
        index = indexing.write_snapshot(
            db, ctx.settings, full=full, progress=lambda n: bar.advance(task, n)
        )
    print_rejections(report.rejections)
    if report.unknown:
        shown = report.unknown_ids[:REJECTIONS_SHOWN]
        more = f" and {report.unknown - len(shown)} more" if report.unknown > len(shown) else ""
        console.print(f"{report.unknown} ids are not stored: {', '.join(shown)}{more}")
    console.print(
        f"imported {report.imported} vectors, rejected {report.rejected} lines; vector index of "
        f"{len(index)} papers saved in {ctx.settings.resolved_search_index_dir}"
    )
    if report.imported == 0 and (report.rejected or report.unknown):
        sys.exit(1)


def _modes(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    modes = tuple(dict.fromkeys(m.strip() for m in value.split(",") if m.strip()))
    unknown = [m for m in modes if m not in evaluation.MODES]
    if unknown or not modes:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'none'}: choose among {', '.join(evaluation.MODES)}"
        )
    return modes


@click.command("eval-search")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--split", default="test", show_default=True, help="qrels/<split>.tsv to read.")
@click.option(
    "--runs",
    "runs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one TREC run per mode in this folder (keyword.trec, semantic.trec, hybrid.trec).",
)
@click.option(
    "--modes",
    default=",".join(evaluation.MODES),
    show_default=True,
    callback=_modes,
    help="Comma-separated search modes to evaluate.",
)
@quiet_option
@pass_context
def eval_command(
    ctx: Context,
    folder: Path,
    split: str,
    runs_dir: Path | None,
    modes: tuple[str, ...],
    quiet: bool,
) -> None:
    """Evaluate search on a BEIR collection: nDCG@10, Recall@100 and MRR per mode (trec_eval).

    The corpus is imported into a throwaway store (a temporary SQLite file), never the site's.
    Each query asks for 100 results; a query's own paper (``metadata.paper_id``) is dropped.
    """
    try:
        collection = evaluation.load_beir(folder, split)
    except evaluation.InvalidCollection as error:
        raise click.ClickException(str(error)) from None
    with progress(quiet, count=True) as bar:
        task = bar.add_task("embedding corpus", total=len(collection.corpus))
        report = evaluation.evaluate(
            collection, ctx.settings, modes=modes, progress=lambda n: bar.advance(task, n)
        )
    table = Table(
        title=f"search quality on {folder.name} ({len(report.queries)} queries, "
        f"{len(collection.corpus)} documents)"
    )
    for column in ("mode", "nDCG@10", "Recall@100", "MRR", "ms/query"):
        table.add_column(column, justify="right" if column != "mode" else "left")
    for row in report.rows:
        table.add_row(
            row.mode,
            f"{row.ndcg_at_10:.4f}",
            f"{row.recall_at_100:.4f}",
            f"{row.mrr:.4f}",
            f"{row.ms_per_query:.1f}",
        )
    Console().print(table)
    if runs_dir is not None:
        written = evaluation.write_runs(report, runs_dir)
        console.print(f"TREC runs: {', '.join(str(path) for path in written)}")
