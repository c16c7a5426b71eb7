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


def index_table(results: dict) -> Table:
    table = Table(title="vector index and memory")
    for column in (
        "corpus",
        "build s",
        "snapshot load s",
        "usearch MB",
        "index RSS MB",
        "process RSS MB",
        "peak RSS MB",
    ):
        table.add_column(column, justify="right")
    for label, row in results.items():
        if isinstance(row, dict) and "index_build_s" in row:
            table.add_row(
                f"{label} ({row['papers']:,})",
                f"{row['index_build_s']:.1f}",
                f"{row['snapshot_load_s']:.2f}",
                f"{row['index_mb']:.0f}",
                f"{row['index_rss_mb']:.0f}",
                f"{row['rss_after_load_mb']:.0f}",
                f"{row['rss_peak_mb']:.0f}",
            )
    return table


def embedding_table(emb: dict) -> Table:
    table = Table(title="embedding")
    for column in (
        "onnx-int8 abstracts/s",
        "torch abstracts/s",
        "cosine int8 vs fp32",
        "query embedding p50 ms",
        "p95 ms",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        f"{emb['onnx-int8']:.1f}",
        f"{emb['torch']:.1f}",
        f"{emb['cosine']:.4f}",
        f"{emb['query']['p50']:.2f}",
        f"{emb['query']['p95']:.2f}",
    )
    return table


def quality_table(rows: list) -> Table:
    table = Table(title="quality on the full store (real search path)")
    for column in ("set", "mode", "nDCG@10", "Recall@100"):
        table.add_column(column, justify="right" if column[0] in "nR" else "left")
    for name, mode, ndcg, recall in rows:
        table.add_row(name, mode, f"{ndcg:.4f}", f"{recall:.4f}")
    return table
