"""A BEIR collection read from its folder: ``corpus.jsonl`` (``_id``, ``title``, ``text``),
``queries.jsonl`` (``_id``, ``text``, optionally ``metadata.paper_id``) and
``qrels/<split>.tsv`` (query-id, corpus-id, score; a header line is allowed).

A query whose ``metadata.paper_id`` names a document of the corpus is about that paper (the
paper-facet collections, where the query *is* a paper): that document is dropped from the
query's runs before they are written or scored, as those collections are meant to be judged.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path


class InvalidCollection(ValueError):
    """The folder is not a readable BEIR collection; the message says what is wrong where."""


@dataclass
class Collection:
    corpus: dict[str, tuple[str, str]]  # doc id -> (title, text)
    queries: dict[str, str]  # query id -> text
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: grade}, judged queries only
    # query id -> the document the query is about, never to be returned for it
    query_docs: dict[str, str] = field(default_factory=dict)


def _read_jsonl(path: Path) -> list[tuple[int, dict]]:
    """(line number, object) of every non-blank line; every line must be an object with _id."""
    if not path.exists():
        raise InvalidCollection(f"{path} is missing")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise InvalidCollection(f"{path} line {number}: {error}") from None
            if not isinstance(row, dict) or row.get("_id") in (None, ""):
                raise InvalidCollection(f"{path} line {number}: an object with an _id is expected")
            if len(str(row["_id"]).split()) != 1:  # a TREC run separates its fields by spaces
                raise InvalidCollection(f"{path} line {number}: an _id may not hold spaces")
            rows.append((number, row))
    return rows


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _read_qrels(
    path: Path, queries: dict[str, str], corpus: dict[str, tuple[str, str]]
) -> dict[str, dict[str, int]]:
    """The judgements of queries and documents the collection holds (others are skipped)."""
    if not path.exists():
        raise InvalidCollection(f"{path} is missing")
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), 1):
            if not row or (number == 1 and row[0] == "query-id"):
                continue
            if len(row) < 3:
                raise InvalidCollection(
                    f"{path} line {number}: query-id, corpus-id, score expected"
                )
            try:
                grade = int(float(row[2]))
            except ValueError:
                raise InvalidCollection(f"{path} line {number}: {row[2]!r} is no score") from None
            if row[0] in queries and row[1] in corpus:
                qrels.setdefault(row[0], {})[row[1]] = grade
    # A query with no relevant document measures nothing: trec_eval leaves it out too.
    judged = {q: grades for q, grades in qrels.items() if any(g > 0 for g in grades.values())}
    if not judged:
        raise InvalidCollection(f"{path} judges no document of this collection relevant to a query")
    return judged


def load_beir(folder: Path, split: str = "test") -> Collection:
    corpus = {
        str(row["_id"]): (_text(row.get("title")), _text(row.get("text")))
        for _, row in _read_jsonl(folder / "corpus.jsonl")
    }
    if not corpus:
        raise InvalidCollection(f"{folder / 'corpus.jsonl'} holds no document")
    queries, query_docs = {}, {}
    for _, row in _read_jsonl(folder / "queries.jsonl"):
        query_id = str(row["_id"])
        queries[query_id] = _text(row.get("text"))
        metadata = row.get("metadata")
        paper = metadata.get("paper_id") if isinstance(metadata, dict) else None
        if paper is not None and str(paper) in corpus:
            query_docs[query_id] = str(paper)
    qrels = _read_qrels(folder / "qrels" / f"{split}.tsv", queries, corpus)
    return Collection(corpus, queries, qrels, query_docs)
