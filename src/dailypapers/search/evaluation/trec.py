"""TREC run files: ``qid Q0 docid rank score tag``, one line per retrieved document.

A run is held as each query's document ids, best first. trec_eval (and pytrec_eval, which is
trec_eval) does not read the rank column: it orders a query's documents by score, descending,
then by docno, descending. So the score written is the rank turned around, ``N + 1 - rank`` for
a query with N results (N, N-1, ..., 1): strictly decreasing, it makes trec_eval's order exactly
ours. The engine's own scores would not do: RRF ties, and each mode has its own scale.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

Run = dict[str, list[str]]  # query id -> document ids, best first


class InvalidRun(ValueError):
    """A line of a run file that is not ``qid Q0 docid rank score tag``."""


def scored(ranked: list[str]) -> dict[str, float]:
    """One query's documents with the scores the run file gives them (best first, distinct)."""
    return {doc: float(len(ranked) - position) for position, doc in enumerate(ranked)}


def in_trec_order(scores: dict[str, float]) -> list[str]:
    """Documents in the order trec_eval ranks them: score descending, then docno descending."""
    return [doc for doc, _ in sorted(scores.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)]


def lines(run: Run, tag: str) -> Iterable[str]:
    for query_id, ranked in run.items():
        for position, (doc, score) in enumerate(scored(ranked).items(), 1):
            yield f"{query_id} Q0 {doc} {position} {score:g} {tag}\n"


def write_run(path: Path, run: Run, tag: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(lines(run, tag))
    return path


def read_run(path: Path) -> Run:
    """A run file read back in trec_eval's order (whatever its rank column says)."""
    scores: dict[str, dict[str, float]] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 6:
                raise InvalidRun(f"{path} line {number}: qid Q0 docid rank score tag expected")
            try:
                score = float(fields[4])
            except ValueError:
                raise InvalidRun(f"{path} line {number}: {fields[4]!r} is no score") from None
            scores.setdefault(fields[0], {})[fields[2]] = score
    return {query_id: in_trec_order(docs) for query_id, docs in scores.items()}
