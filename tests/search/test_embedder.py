"""The embedding paths: the int8 ONNX model stays within a hair of the fp32 reference."""

from __future__ import annotations

import hashlib
import os
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from dailypapers.ingest import importer
from dailypapers.search import embedder


@pytest.fixture(scope="session")
def abstracts(search_corpus) -> list[str]:
    texts = []
    for item in importer.records_from(search_corpus[0]):
        paper = getattr(item, "paper", item)
        texts.append(embedder.paper_text(paper.title, paper.abstract))
    return texts[:12]


@pytest.fixture
def fp32_reference(model_dir: Path, abstracts: list[str]) -> np.ndarray:
    """sentence-transformers' fp32 vectors of ``abstracts``, kept beside the exported model
    (whose folder is named by the torch and transformers versions): the same texts and
    libraries give the same vectors, and loading torch costs more than the rest of this file."""
    made_by = [*abstracts, f"sentence-transformers=={metadata.version('sentence-transformers')}"]
    key = hashlib.sha256("\n".join(made_by).encode()).hexdigest()[:16]
    kept = model_dir / f"fp32-reference-{key}.npy"
    if not kept.exists():
        written = kept.with_suffix(f".{os.getpid()}.npy")  # whole or absent for other workers
        np.save(written, embedder.TorchEmbedder(threads=1).embed_texts(abstracts))
        os.replace(written, kept)
    return np.load(kept)


def test_the_int8_model_agrees_with_fp32_torch(onnx, abstracts, fp32_reference):
    reference = fp32_reference
    quantised = onnx.embed_texts(abstracts)
    cosines = (reference * quantised).sum(axis=1)
    # Outlier channels bypass int8 (onnx_export): plain per-channel int8 gave 0.990 at worst here.
    assert cosines.min() > 0.995 and cosines.mean() > 0.998


def test_batches_sorted_by_length_keep_the_callers_order(onnx, abstracts):
    texts = [abstracts[0][:40], *abstracts[:5], "", "graph neural networks"]
    together = onnx.embed_texts(texts, batch_size=3)
    alone = np.stack([onnx.embed_query(t) for t in texts])
    # Dynamic int8 quantisation scales activations per batch, so batching moves vectors a
    # little; the order must be exactly the caller's.
    cosines = (together * alone).sum(axis=1)
    assert cosines.min() > 0.99 and cosines.mean() > 0.995
    assert (together @ alone.T).argmax(axis=1).tolist() == list(range(len(texts)))
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-3)


def test_the_model_is_built_once_and_cached(model_dir):
    assert (model_dir / embedder.ONNX_FILE).exists()
    assert embedder.load(model_dir) is embedder.load(model_dir)


def test_a_query_asked_again_is_not_embedded_again(search_settings, onnx):
    text = "speculative decoding with a small draft model"
    first = embedder.query_vector(search_settings, text)
    assert embedder.query_vector(search_settings, text) is first
    assert np.allclose(first, onnx.embed_query(text))
    assert not first.flags.writeable  # shared by every caller: nobody may change it
