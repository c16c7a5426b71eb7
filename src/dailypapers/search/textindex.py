"""The keyword index: BM25 over every paper's title, authors and abstract, on disk (tantivy).

Derived from the store, like the vector index: the store is the source of truth, this folder
can be deleted and rebuilt at any time (``dailypapers index``). Every worker process reads it;
one process at a time writes (tantivy's lock file), each write a commit that readers pick up on
their next reload. Title and abstract are stemmed (English Snowball, the stems highlighting
uses); author names are only lowercased and folded to ASCII (``Balázs`` = ``Balazs``), and each
whole name is also kept as one token, so a query that is someone's name can be recognised.

A query reaches this module as tantivy query text built by :mod:`search.keyword` from parsed
words only (each quoted), plus filters and prefixes built here as query objects: nothing a
reader types is parsed as tantivy syntax.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Filter, Occur, Query, SchemaBuilder, TextAnalyzerBuilder, Tokenizer

from dailypapers.days import day_number
from dailypapers.name_keys import name_key

log = logging.getLogger(__name__)

FORMAT = 3  # raised whenever documents are written differently: older indexes are rebuilt
META = "dailypapers.json"
# Ranking reads one field, ``text``: the title TITLE_COPIES times, the authors, the abstract.
# One field makes a query a flat union of terms, which tantivy answers with block-max WAND (a
# 25-word description: 3 ms at 85k papers, against 20 ms for a union of per-field unions), and
# repeating the title weighs its words the way BM25F's field weights do. Title, authors and
# abstract are also kept apart, for terms restricted to one of them (``ti:``, ``au:``).
TITLE_COPIES = 2
# A writer's indexing memory (tantivy needs at least 15 MB a thread): enough to index a bulk
# import in a few large segments without holding much of the machine.
WRITER_HEAP = 64_000_000
TOKEN_MAX = 40  # longer "words" are hashes, URLs and base64: not worth indexing


class IndexUnreadable(RuntimeError):
    """A keyword index folder that is missing, damaged or of another format."""


class IndexBeingBuilt(IndexUnreadable):
    """A keyword index folder a build has started and not finished (in this process or
    another; a build that died leaves it so, and the next build starts afresh)."""


class WriterBusy(RuntimeError):
    """Another process holds the index's writer lock: it is keeping the index current."""


@dataclass
class Filters:
    """What a keyword search is restricted to (any of ``categories``; days inclusive)."""

    day_from: int | None = None
    day_to: int | None = None
    categories: Sequence[str] = ()
    exclude_ids: Sequence[int] = ()


def _analyzer(stem: bool):
    builder = TextAnalyzerBuilder(Tokenizer.simple()).filter(Filter.remove_long(TOKEN_MAX))
    builder = builder.filter(Filter.lowercase()).filter(Filter.ascii_fold())
    return (builder.filter(Filter.stemmer("english")) if stem else builder).build()


def _schema() -> tantivy.Schema:
    builder = SchemaBuilder()
    builder.add_unsigned_field("id", indexed=True, fast=True)
    builder.add_text_field("text", tokenizer_name="en_stem")
    builder.add_text_field("title", tokenizer_name="en_stem")
    builder.add_text_field("authors", tokenizer_name="names")
    builder.add_text_field("abstract", tokenizer_name="en_stem")
    builder.add_text_field("author_key", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("category", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("day", indexed=True, fast=True)
    return builder.build()


class TextIndex:
    """One process's handle on the keyword index folder."""

    def __init__(self, folder: Path, index: tantivy.Index):
        self.folder = folder
        self.index = index
        self.schema = index.schema
        index.register_tokenizer("en_stem", _analyzer(stem=True))
        index.register_tokenizer("names", _analyzer(stem=False))
        # A searcher costs most of a millisecond to open and a search asks several times
        # (counts, document frequencies, hits): one is kept until the next reload.
        self._searcher: tantivy.Searcher | None = None

    def searcher(self) -> tantivy.Searcher:
        searcher = self._searcher
        if searcher is None:
            searcher = self._searcher = self.index.searcher()
        return searcher

    @classmethod
    def create(cls, folder: Path) -> TextIndex:
        """A new, empty index in ``folder`` (whatever was there is replaced)."""
        folder.mkdir(parents=True, exist_ok=True)
        _refuse_while_written(folder)
        for old in folder.iterdir():
            if old.is_file():
                old.unlink()
        index = cls(folder, tantivy.Index(_schema(), path=str(folder), reuse=False))
        index.write_meta(None, building=True)
        return index

    @classmethod
    def open(cls, folder: Path) -> TextIndex:
        try:
            meta = json.loads((folder / META).read_text())
        except (OSError, ValueError) as error:
            raise IndexUnreadable(f"no keyword index at {folder} ({error})") from None
        if meta.get("format") != FORMAT:
            raise IndexUnreadable(f"the keyword index at {folder} is of another format")
        if meta.get("building"):
            raise IndexBeingBuilt(f"the keyword index at {folder} is being built")
        try:
            return cls(folder, tantivy.Index.open(str(folder)))
        except (OSError, ValueError) as error:
            raise IndexUnreadable(f"the keyword index at {folder} is unreadable: {error}") from None

    # Bookkeeping: the newest paper change applied, kept beside tantivy's own files.

    def read_meta(self) -> dict[str, Any]:
        try:
            return json.loads((self.folder / META).read_text())
        except (OSError, ValueError):
            return {}

    def watermark(self) -> datetime | None:
        value = self.read_meta().get("watermark")
        return datetime.fromisoformat(value) if value else None

    def applied(self) -> dict[int, datetime]:
        """The papers of the overlap window already in the index (id -> modified_at)."""
        found = self.read_meta().get("applied") or {}
        return {int(k): datetime.fromisoformat(v) for k, v in found.items()}

    def write_meta(
        self,
        watermark: datetime | None,
        applied: dict[int, datetime] | None = None,
        *,
        building: bool = False,
    ) -> None:
        partial = self.folder / f"{META}.{os.getpid()}"
        meta = {
            "format": FORMAT,
            "building": building,
            "watermark": watermark.isoformat() if watermark else None,
            "applied": {str(k): v.isoformat() for k, v in (applied or {}).items()},
        }
        partial.write_text(json.dumps(meta))
        partial.replace(self.folder / META)

    # Writing

    @contextmanager
    def writing(self):
        """A writer for one batch, committed at the end; WriterBusy when another process has
        the lock (it is then the one keeping the index current)."""
        try:
            writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
        except ValueError as error:
            if "LockBusy" in str(error):
                raise WriterBusy(str(error)) from None
            raise
        try:
            yield writer
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        finally:
            del writer
        self.reload()

    def replace(self, writer, rows: Iterable[dict[str, Any]], *, fresh: bool = False) -> int:
        """Index store rows (see ``store.paper_text``), replacing earlier versions unless the
        index is ``fresh`` (being built: nothing to replace). Returns how many."""
        count = 0
        for row in rows:
            if not fresh:
                writer.delete_documents_by_query(Query.term_query(self.schema, "id", row["id"]))
            writer.add_document(_document(row))
            count += 1
        return count

    # Reading

    def __len__(self) -> int:
        return self.searcher().num_docs

    def reload(self) -> None:
        """See what was committed since (this process's writes or another's)."""
        self.index.reload()
        self._searcher = None

    def parse(self, text: str) -> Query:
        """Tantivy query text (built by search.keyword from quoted words) as a query."""
        query, errors = self.index.parse_query_lenient(text, ["text"])
        if errors:
            log.debug("keyword query %r: %s", text, errors)
        return query

    def prefix(self, stem: str, field: str = "text") -> Query:
        """Words starting with ``stem`` (in ``field``)."""
        return Query.regex_query(self.schema, field, re.escape(stem) + ".*")

    def stems(self, text: str, field: str = "title") -> list[str]:
        """``text`` as the index's tokens for ``field``."""
        return _analyzer(stem=field != "authors").analyze(text)

    def author_count(self, name: str) -> int:
        """Papers having an author of exactly this (folded) name."""
        return self.searcher().doc_freq("author_key", name_key(name))

    def document_frequency(self, field: str, token: str) -> int:
        return self.searcher().doc_freq(field, token)

    def search(
        self, query: Query, filters: Filters, limit: int, *, count: bool = False
    ) -> tuple[list[tuple[int, float]], int | None]:
        """((paper id, BM25 score) best first, number of matches when ``count``)."""
        searcher = self.searcher()
        found = searcher.search(self.filtered(query, filters), limit, count=count)
        ids = searcher.fast_field_values("id", [address for _, address in found.hits])
        return [(i, s) for (s, _), i in zip(found.hits, ids, strict=True)], found.count

    def filtered(self, query: Query, filters: Filters) -> Query:
        clauses = [(Occur.Must, query)]
        if filters.day_from is not None or filters.day_to is not None:
            days = Query.range_query(
                self.schema,
                "day",
                tantivy.FieldType.Integer,
                filters.day_from if filters.day_from is not None else -(2**31),
                filters.day_to if filters.day_to is not None else 2**31,
            )
            clauses.append((Occur.Must, Query.const_score_query(days, 0.0)))
        if filters.categories:
            names = [c.lower() for c in filters.categories]
            any_of = Query.term_set_query(self.schema, "category", names)
            clauses.append((Occur.Must, Query.const_score_query(any_of, 0.0)))
        if filters.exclude_ids:
            ids = Query.term_set_query(self.schema, "id", list(filters.exclude_ids))
            clauses.append((Occur.MustNot, ids))
        return query if len(clauses) == 1 else Query.boolean_query(clauses)


def _refuse_while_written(folder: Path) -> None:
    """WriterBusy when another process holds the writer of the index in ``folder`` (building
    or catching it up): wiping its files under it would break both."""
    try:
        existing = tantivy.Index.open(str(folder))
    except (OSError, ValueError):
        return  # no index there, or one too damaged for anyone to write
    try:
        existing.writer(heap_size=WRITER_HEAP, num_threads=1)
    except ValueError as error:
        if "LockBusy" in str(error):
            raise WriterBusy(str(error)) from None
        raise


def _document(row: dict[str, Any]) -> tantivy.Document:
    document = tantivy.Document()
    document.add_unsigned("id", row["id"])
    title, abstract, authors = row["title"] or "", row["abstract"] or "", row["authors"] or []
    for _ in range(TITLE_COPIES):
        document.add_text("text", title)
    document.add_text("text", ", ".join(authors))
    document.add_text("text", abstract)
    document.add_text("title", title)
    document.add_text("abstract", abstract)
    for name in authors:
        document.add_text("authors", name)
        document.add_text("author_key", name_key(name))
    for category in row["categories"] or []:
        lowered = category.lower()
        document.add_text("category", lowered)
        archive = lowered.split(".")[0]
        if archive != lowered:
            document.add_text("category", archive)  # cat:cs means every cs.* category
    document.add_integer("day", day_number(row["published_at"] or row["listed_on"]))
    return document


def tokens_of(value: str) -> list[str]:
    """``value``'s index tokens for the stemmed fields (for callers composing queries)."""
    return _analyzer(stem=True).analyze(value)
