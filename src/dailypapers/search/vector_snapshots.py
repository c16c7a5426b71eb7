"""Vector index snapshots on disk, laid out to be memory-mapped by every worker of a machine.

``<search_index_dir>/vectors/`` holds one folder per snapshot ("generation") and ``CURRENT``, the
name of the one to open. A writer fills a scratch folder, renames it into place, then replaces
``CURRENT`` (a rename too): a reader sees the old snapshot or the new one, never a mix. Workers
open the graph with usearch's ``view`` and the attribute arrays with ``np.load(mmap_mode="r")``,
so those pages live in the page cache, once for all processes, and count as file-backed memory
that the kernel can drop and read again, not as each worker's own.

Files stay valid for a process that mapped them even once deleted, so older generations are
removed as soon as a newer one is current (the one before is kept for a worker that read
``CURRENT`` just before it changed and opens a moment later).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from usearch.index import Index

FORMAT = 3
FOLDER = "vectors"
POINTER = "CURRENT"
GRAPH = "graph.usearch"
META = "meta.json"
ARRAYS = ("days", "present", "fingerprints", "category_bits")
KEPT = 2  # the current generation and the one before it
# A scratch folder this old belongs to a writer that died: no snapshot takes an hour to write.
ABANDONED_SECONDS = 3600.0
# The single-folder layout of earlier versions: nothing reads it, so a new snapshot removes it.
OLD_FILES = ("meta.json", "vectors.usearch", "attributes.npz")


class IndexUnreadable(RuntimeError):
    """A snapshot that is missing, partial, corrupt, or of another model."""


@dataclass
class Snapshot:
    generation: str
    meta: dict[str, Any]
    graph: Index
    arrays: dict[str, np.ndarray]


def current(folder: Path) -> str | None:
    """The generation workers should open (None: no snapshot was ever written)."""
    try:
        return (folder / FOLDER / POINTER).read_text().strip() or None
    except OSError:
        return None


def current_folder(folder: Path) -> Path | None:
    generation = current(folder)
    return folder / FOLDER / generation if generation else None


def watermark(folder: Path) -> datetime | None:
    """When the newest embedding of the current snapshot was stored (None: no readable one)."""
    where = current_folder(folder)
    try:
        meta = json.loads((where / META).read_text()) if where else {}
        return datetime.fromisoformat(meta["watermark"]) if meta.get("watermark") else None
    except (OSError, ValueError):
        return None


def write(folder: Path, graph: Index, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> str:
    """Write a new generation and make it current; returns its name."""
    base = folder / FOLDER
    base.mkdir(parents=True, exist_ok=True)
    generation = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}"
    scratch = base / f".{generation}.tmp"
    scratch.mkdir()
    graph.save(str(scratch / GRAPH))
    for name in ARRAYS:
        np.save(scratch / f"{name}.npy", arrays[name])
    (scratch / META).write_text(json.dumps({**meta, "format": FORMAT}))
    scratch.rename(base / generation)
    pointer = base / f".{POINTER}.{generation}.tmp"
    pointer.write_text(generation)
    pointer.replace(base / POINTER)
    _prune(base, generation)
    for name in OLD_FILES:
        (folder / name).unlink(missing_ok=True)
    return generation


def _prune(base: Path, generation: str) -> None:
    """Remove generations older than the :data:`KEPT` newest, and abandoned scratch folders."""
    finished = sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))
    kept = {p.name for p in finished[-KEPT:]} | {generation}
    for path in finished:
        if path.name not in kept:
            shutil.rmtree(path, ignore_errors=True)
    for path in base.glob(".*.tmp"):
        try:
            if time.time() - path.stat().st_mtime <= ABANDONED_SECONDS:
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()
        except OSError:
            pass


def read(folder: Path, model: str, dimensions: int, *, mapped: bool) -> Snapshot:
    """The current snapshot, its graph viewed and arrays mapped (``mapped``) or read into memory;
    raises :class:`IndexUnreadable` saying what is wrong."""
    generation = current(folder)
    if generation is None:
        raise IndexUnreadable(f"no vector index snapshot in {folder}")
    where = folder / FOLDER / generation
    try:
        meta = json.loads((where / META).read_text())
        if (
            meta.get("format") != FORMAT
            or meta.get("model") != model
            or meta.get("dimensions") != dimensions
        ):
            raise IndexUnreadable(f"snapshot in {where} is of another model or format")
        graph = Index.restore(str(where / GRAPH), view=mapped)
        if graph is None or graph.ndim != dimensions or len(graph) != meta["count"]:
            raise IndexUnreadable(f"vector file in {where} is corrupt or incomplete")
        arrays = {
            name: np.load(where / f"{name}.npy", mmap_mode="r" if mapped else None)
            for name in ARRAYS
        }
        if int(np.count_nonzero(arrays["present"])) != meta["count"]:
            raise IndexUnreadable(f"attributes in {where} do not match the vectors")
        return Snapshot(generation, meta, graph, arrays)
    except IndexUnreadable:
        raise
    except Exception as error:
        raise IndexUnreadable(f"vector index in {where} is unreadable: {error}") from error
