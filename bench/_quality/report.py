"""The quality bench's table per collection and its acceptance checks (all on nDCG@10)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rich.console import Console
from rich.table import Table

KEYWORD, SEMANTIC, HYBRID = "ours keyword", "ours semantic", "ours hybrid"
BM25S, MINILM, RRF = "bm25s", "MiniLM fp32", "RRF(bm25s,MiniLM)"
SYSTEMS = (KEYWORD, SEMANTIC, HYBRID, BM25S, MINILM, RRF)
# How far below fp32 MiniLM our semantic side may stay: what int8 inference may cost.
SEMANTIC_TOLERANCE = 0.005


@dataclass
class Result:
    ndcg_at_10: float
    recall_at_100: float
    mrr: float
    ms_per_query: float


@dataclass
class Check:
    system: str  # the row it is shown on
    what: str
    holds: bool
    margin: float  # ours minus what it must reach


def checks(results: dict[str, Result]) -> list[Check]:
    ndcg = {name: result.ndcg_at_10 for name, result in results.items()}
    sides = max(ndcg[KEYWORD], ndcg[SEMANTIC])
    pairs = [
        (KEYWORD, ">= bm25s", ndcg[KEYWORD] - ndcg[BM25S]),
        (SEMANTIC, f">= fp32-{SEMANTIC_TOLERANCE}", ndcg[SEMANTIC] - ndcg[MINILM]),
        (HYBRID, ">= sides", ndcg[HYBRID] - sides),
        (HYBRID, ">= RRF", ndcg[HYBRID] - ndcg[RRF]),
    ]
    return [
        Check(system, what, margin >= (-SEMANTIC_TOLERANCE if system == SEMANTIC else 0), margin)
        for system, what, margin in pairs
    ]


def print_table(
    console: Console, name: str, size: str, results: dict[str, Result], found: list[Check]
) -> None:
    table = Table(title=f"{name}: {size}")
    table.add_column("system")
    for column in ("nDCG@10", "Recall@100", "MRR", "ms/query"):
        table.add_column(column, justify="right")
    table.add_column("acceptance (nDCG@10 vs)")
    for system in SYSTEMS:
        result = results[system]
        marks = [
            f"{'[green]✓' if c.holds else '[red]✗'} {c.what} {c.margin:+.3f}[/]"
            for c in found
            if c.system == system
        ]
        table.add_row(
            system,
            f"{result.ndcg_at_10:.3f}",
            f"{result.recall_at_100:.3f}",
            f"{result.mrr:.3f}",
            f"{result.ms_per_query:.1f}",
            "\n".join(marks),
        )
    console.print(table)


def as_json(results: dict[str, Result], found: list[Check]) -> dict:
    return {
        "systems": {system: asdict(result) for system, result in results.items()},
        "checks": [asdict(check) for check in found],
        "all_hold": all(check.holds for check in found),
    }
