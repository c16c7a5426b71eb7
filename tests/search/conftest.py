"""Search fixtures: the embedding model built once per session, a small real corpus with its
vectors computed once, and a store holding that corpus on each backend."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from dailypapers.ingest import importer
from dailypapers.search import embedder, indexing
from dailypapers.store import embeddings as embedding_store

# Three days of the upstream feed (49 papers, among them 2506.08007 "Reinforcement Pre-Training")
# and the first 60 papers of one arXiv listing day (they carry categories).
FEED_DAYS = ("2025-06-09", "2025-06-10", "2025-06-11")
LISTING_DAY = "2025-06-11"
LISTING_PAPERS = 60


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    embedder.load(folder)  # exports and quantises the model once for the whole session
    return folder


@pytest.fixture(scope="session")
def onnx(model_dir: Path) -> embedder.Embedder:
    return embedder.load(model_dir)


@pytest.fixture
def search_settings(settings, model_dir):
    return settings.model_copy(update={
        "search_model_dir": model_dir, "search_refresh_interval": 0.0,
        "search_embed_interval": 0.0,
    })


@pytest.fixture(scope="session")
def corpus_files(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    files = [shared_data / "hf-daily-papers" / f"{day}.json.gz" for day in FEED_DAYS]
    listing = shared_data / "arxiv-listings" / f"{LISTING_DAY}.jsonl.gz"
    target = tmp_path_factory.mktemp("corpus") / f"{LISTING_DAY}.jsonl.gz"
    with gzip.open(listing, "rt") as source, gzip.open(target, "wt") as sink:
        for _, line in zip(range(LISTING_PAPERS), source, strict=False):
            sink.write(line)
    return [*files, target]


@pytest.fixture(scope="session")
def corpus_vectors(corpus_files: list[Path], onnx) -> dict[str, bytes]:
    """Vector bytes of every corpus paper keyed by the hash of its embedded text."""
    texts = {}
    for path in corpus_files:
        for item in importer.records_from(path):
            paper = getattr(item, "paper", item)
            text = embedder.paper_text(paper.title, " ".join(paper.abstract.split()))
            texts[embedder.text_hash(text)] = text
    hashes = list(texts)
    vectors = onnx.embed_texts([texts[h] for h in hashes])
    return {h: embedding_store.to_bytes(v) for h, v in zip(hashes, vectors, strict=True)}


def store_corpus_vectors(db, corpus_vectors: dict[str, bytes]) -> int:  # noqa: ANN001
    """Save the session's vectors for every stored paper lacking one (through the store)."""
    with db.read() as conn:
        rows = embedding_store.pending(conn, embedder.MODEL_NAME, limit=100_000)
    saved = []
    for row in rows:
        digest = embedder.text_hash(embedder.paper_text(row["title"], row["abstract"]))
        if digest in corpus_vectors:
            saved.append({"paper_id": row["id"], "model": embedder.MODEL_NAME,
                          "content_hash": row["content_hash"], "text_hash": digest,
                          "vector": corpus_vectors[digest]})
    with db.write() as conn:
        embedding_store.save(conn, saved)
    return len(saved)


@pytest.fixture
def corpus_db(db, search_settings, corpus_files, corpus_vectors):
    """The corpus imported into the test's database, with embeddings and a vector index."""
    importer.import_paths(db, corpus_files)
    store_corpus_vectors(db, corpus_vectors)
    indexing.write_snapshot(db, search_settings)
    return db


def listing_line(arxiv_id: str, title: str, summary: str, *, categories=("cs.CL",),
                 authors=("Alice Author", "Bob Author")) -> str:
    return json.dumps({
        "id": arxiv_id, "title": title, "summary": summary, "authors": list(authors),
        "categories": list(categories), "comment": None,
        "pdf": f"https://arxiv.org/pdf/{arxiv_id}", "abs": f"https://arxiv.org/abs/{arxiv_id}",
    })
