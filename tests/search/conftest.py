"""Search fixtures. The corpus, its vectors and the ``search`` template (the corpus imported with
its vectors stored) are the root conftest's (``@pytest.mark.store("search")``); here: settings
using the session's model, the vector snapshot written from the store, and listing lines for
papers a test adds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dailypapers.config import Settings
from dailypapers.db import Database
from dailypapers.search import indexing
from dailypapers.search.vectors import VectorIndex


@pytest.fixture
def search_settings(settings: Settings, model_dir: Path) -> Settings:
    """The test's settings with the session's embedding model (built once)."""
    return settings.model_copy(update={"search_model_dir": model_dir})


@pytest.fixture
def vector_snapshot(db: Database, search_settings: Settings) -> VectorIndex:
    """The vector index snapshot written from the store's embeddings (as ``dailypapers index``
    leaves it), and loaded by this process's semantic index."""
    return indexing.write_snapshot(db, search_settings)


@pytest.fixture
def listing_line() -> Callable[..., str]:
    """``listing_line(arxiv_id, title, summary, categories=..., authors=...)``: one line of an
    arXiv listing dump (``.jsonl``), for papers a test imports beside the corpus."""

    def make(
        arxiv_id: str,
        title: str,
        summary: str,
        *,
        categories: tuple[str, ...] = ("cs.CL",),
        authors: tuple[str, ...] = ("Alice Author", "Bob Author"),
    ) -> str:
        return json.dumps(
            {
                "id": arxiv_id,
                "title": title,
                "summary": summary,
                "authors": list(authors),
                "categories": list(categories),
                "comment": None,
                "pdf": f"https://arxiv.org/pdf/{arxiv_id}",
                "abs": f"https://arxiv.org/abs/{arxiv_id}",
            }
        )

    return make
