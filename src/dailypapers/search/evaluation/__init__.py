"""Search quality as IR people measure it, on a BEIR collection.

- :mod:`.collection`: the collection read from its folder (corpus, queries, qrels).
- :mod:`.running`: the corpus imported into a store of its own and every query run through
  :func:`search.service.search` in each mode (keyword, semantic, hybrid).
- :mod:`.trec`: runs as TREC run files (``qid Q0 docid rank score tag``).
- :mod:`.scoring`: runs scored by trec_eval's code (pytrec_eval): nDCG@10, Recall@100, MRR.
"""

from dailypapers.search.evaluation.collection import Collection, InvalidCollection, load_beir
from dailypapers.search.evaluation.running import (
    DEPTH,
    MODES,
    Report,
    Row,
    evaluate,
    ranked_ids,
    run_queries,
    synthetic_id,
    write_runs,
)
from dailypapers.search.evaluation.scoring import Scores, score
from dailypapers.search.evaluation.trec import Run, read_run, write_run

__all__ = [
    "DEPTH",
    "MODES",
    "Collection",
    "InvalidCollection",
    "Report",
    "Row",
    "Run",
    "Scores",
    "evaluate",
    "load_beir",
    "ranked_ids",
    "read_run",
    "run_queries",
    "score",
    "synthetic_id",
    "write_run",
    "write_runs",
]
