"""Runs scored by trec_eval's own code (pytrec_eval): nDCG@10, Recall@100 and MRR.

trec_eval's nDCG uses linear gain (a document of grade g gains g, discounted by log2(rank + 1)),
recall counts documents of grade >= 1 and ``recip_rank`` is 1 / the rank of the first of them.
Every judged query counts: one the run lacks scores 0 (``trec_eval -c``), so a mode that comes
back empty is not averaged over only the queries it answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytrec_eval

from dailypapers.search.evaluation.trec import Run, scored

# trec_eval's measure -> the key pytrec_eval reports it under.
MEASURES = {"ndcg_cut.10": "ndcg_cut_10", "recall.100": "recall_100", "recip_rank": "recip_rank"}


@dataclass(frozen=True)
class Scores:
    ndcg_at_10: float
    recall_at_100: float
    mrr: float
    per_query: dict[str, dict[str, float]] = field(default_factory=dict, compare=False)


def score(qrels: dict[str, dict[str, int]], run: Run) -> Scores:
    """Means over every query of ``qrels`` (query id -> {doc id: grade}) of ``run``'s measures."""
    if not qrels:
        raise ValueError("no judged query to score")
    evaluator = pytrec_eval.RelevanceEvaluator(qrels, set(MEASURES))
    found = evaluator.evaluate({query: scored(run.get(query, [])) for query in qrels})
    nothing = dict.fromkeys(MEASURES.values(), 0.0)
    per_query = {query: found.get(query, nothing) for query in qrels}

    def mean(key: str) -> float:
        return sum(values[key] for values in per_query.values()) / len(per_query)

    return Scores(mean("ndcg_cut_10"), mean("recall_100"), mean("recip_rank"), per_query)
