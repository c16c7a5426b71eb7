"""The tables ``python -m bench search`` prints from its results (bench/results/search.json)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

STATS = ("p50", "p95", "p99", "mean")
console = Console()


def print_tables(results: dict) -> None:
    console.print(latency_table(results))
    console.print(index_table(results))
    if "embedding" in results:
        console.print(embedding_table(results["embedding"]))
    if "quality" in results:
        console.print(quality_table(results["quality"]))
    if "everyday" in results:
        console.print(everyday_table(results["everyday"]))
    if "steady" in results:
        console.print(steady_table(results["steady"]))


def latency_table(results: dict) -> Table:
    table = Table(
        title="search latency (ms; service.search incl. query embedding, SQL, "
        "vectors, fusion, highlights, cards; shared machine: pessimistic)"
    )
    for column in ("corpus", "what", *STATS):
        table.add_column(column, justify="left" if column in ("corpus", "what") else "right")
    for label, row in results.items():
        if not isinstance(row, dict) or "keyword" not in row:
            continue
        for what in ("keyword", "semantic", "hybrid", "similar"):
            table.add_row(
                f"{label} ({row['papers']:,})", what, *(f"{row[what][k]:.1f}" for k in STATS)
            )
        for kind, stats in row["hybrid_by_kind"].items():
            table.add_row("", f"hybrid: {kind}", *(f"{stats[k]:.1f}" for k in STATS))
    return table


# The columns of the tables of numbers: heading, then how its cell is written from the row (a
# format string over the row's keys: ``{query[p50]}`` reads row["query"]["p50"]).
INDEX_COLUMNS = {
    "vectors build s": "{index_build_s:.1f}",
    "snapshot load s": "{snapshot_load_s:.2f}",
    "usearch MB": "{index_mb:.0f}",
    "vectors RSS MB": "{index_rss_mb:.0f}",
    "keyword build s": "{keyword_build_s:.1f}",
    "keyword open s": "{keyword_load_s:.2f}",
    "keyword disk MB": "{keyword_disk_mb:.0f}",
    "keyword RSS MB": "{keyword_rss_mb:.0f}",
    "process RSS MB": "{rss_after_load_mb:.0f}",
    "peak RSS MB": "{rss_peak_mb:.0f}",
}
EMBEDDING_COLUMNS = {
    "onnx-int8 abstracts/s": "{onnx-int8:.1f}",
    "torch abstracts/s": "{torch:.1f}",
    "cosine int8 vs fp32": "{cosine:.4f}",
    "query embedding p50 ms": "{query[p50]:.2f}",
    "p95 ms": "{query[p95]:.2f}",
}


def _numbers(title: str, columns: dict[str, str], first: str | None = None) -> Table:
    """A table of right-aligned numbers, after a ``first`` column naming each row if given."""
    table = Table(title=title)
    for heading in ([first] if first else []) + list(columns):
        table.add_column(heading, justify="right")
    return table


def _cells(row: dict, columns: dict[str, str]) -> list[str]:
    """Each column's cell; "-" where a run of an older benchmark did not measure it."""
    cells = []
    for cell in columns.values():
        try:
            cells.append(cell.format_map(row))
        except (KeyError, TypeError):
            cells.append("-")
    return cells


def index_table(results: dict) -> Table:
    table = _numbers("indexes and memory", INDEX_COLUMNS, first="corpus")
    for label, row in results.items():
        if isinstance(row, dict) and "index_build_s" in row:
            table.add_row(f"{label} ({row['papers']:,})", *_cells(row, INDEX_COLUMNS))
    return table


def embedding_table(emb: dict) -> Table:
    table = _numbers("embedding", EMBEDDING_COLUMNS)
    table.add_row(*_cells(emb, EMBEDDING_COLUMNS))
    return table


def quality_table(rows: list) -> Table:
    table = Table(title="quality on the full store (real search path)")
    for column in ("set", "mode", "nDCG@10", "Recall@100"):
        table.add_column(column, justify="right" if column[0] in "nR" else "left")
    for name, mode, ndcg, recall in rows:
        table.add_row(name, mode, f"{ndcg:.4f}", f"{recall:.4f}")
    return table


def everyday_table(scores: dict) -> Table:
    table = Table(title="everyday queries on the real store: right answers in the top 3")
    for column in ("kind", "keyword", "semantic", "hybrid", "hybrid >= keyword"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, modes in scores.items():
        holds = "yes" if modes["hybrid"] >= modes["keyword"] - 1e-9 else "NO"
        table.add_row(kind, *(f"{modes[m]:.2f}" for m in ("keyword", "semantic", "hybrid")), holds)
    return table


def steady_table(steady: dict) -> Table:
    table = Table(title=f"{steady['seconds']:.0f} s with the refresh on (ms)")
    for column in ("what", "count", "p50", "p95", "p99", "max", "p99 / p50"):
        table.add_column(column, justify="left" if column == "what" else "right")
    for what in ("search", "similar"):
        row = steady[what]
        table.add_row(
            what,
            str(row["count"]),
            *(f"{row[k]:.1f}" for k in ("p50", "p95", "p99", "max")),
            f"{row['p99'] / row['p50']:.2f}",
        )
    return table
