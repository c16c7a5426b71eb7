"""The corpus replicated to a larger size (``--scale N``): copies of every paper under ids that
are never real, with perturbed copies of their vectors, for scaling and memory."""

from __future__ import annotations

import math
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from rich.console import Console

# A paper's columns a copy repeats (its id and arXiv id are new).
COLUMNS = (
    "version, title, abstract, authors, categories, primary_category, comment, "
    "published_at, updated_at, abs_url, pdf_url, upstream_upvotes, listed_on, "
    "content_hash, source, created_at, modified_at"
)
INSERT_EMBEDDING = (
    "INSERT INTO paper_embeddings (paper_id, model, content_hash, text_hash, "
    "vector, embedded_at) SELECT ?, 'all-MiniLM-L6-v2', content_hash, ?, ?, ? "
    "FROM papers WHERE id = ?"
)
console = Console()


def build_big(small: Path, big: Path, target: int, noise: float = 0.35) -> None:
    """Replicate the store to ``target`` papers: ids 9001.00000 on (never real), vectors of each
    copy perturbed with Gaussian noise (cosine about 0.94 to the original) and re-normalised."""
    source = sqlite3.connect(small)
    copy_to = sqlite3.connect(big)
    source.backup(copy_to)  # consistent even while an indexer writes to the small store
    source.close()
    copy_to.close()
    conn = sqlite3.connect(big)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    base = conn.execute("SELECT max(id) FROM papers").fetchone()[0]
    originals = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    rng = np.random.default_rng(5)
    ids, vectors, text_hashes = _every_vector(conn, rng)
    copies = math.ceil(target / originals) - 1
    started = time.perf_counter()
    for copy in range(1, copies + 1):
        _add_copy(conn, copy * base, base, ids, _perturbed(vectors, rng, noise), text_hashes)
        console.print(
            f"copy {copy}/{copies}: {originals * (copy + 1)} papers "
            f"({time.perf_counter() - started:.0f} s)"
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _every_vector(
    conn: sqlite3.Connection, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(paper ids, their vectors, their text hashes) for every paper. Papers still lacking an
    embedding (a store being indexed) borrow a real paper's vector, stored for them too:
    latency and memory do not depend on which text a vector came from."""
    rows = conn.execute(
        "SELECT e.paper_id, e.vector, e.text_hash FROM paper_embeddings e ORDER BY paper_id"
    ).fetchall()
    embedded = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f2").reshape(len(rows), -1)
    have = {r[0]: n for n, r in enumerate(rows)}
    lacking = [r[0] for r in conn.execute("SELECT id FROM papers ORDER BY id") if r[0] not in have]
    text_hashes = [r[2] for r in rows] + ["borrowed"] * len(lacking)
    if not lacking:
        return np.array(list(have)), embedded, text_hashes
    borrowed = embedded[rng.integers(0, len(rows), len(lacking))]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    conn.executemany(
        INSERT_EMBEDDING,
        ((i, "borrowed", borrowed[n].tobytes(), now, i) for n, i in enumerate(lacking)),
    )
    conn.commit()
    return np.array([*have, *lacking]), np.concatenate([embedded, borrowed]), text_hashes


def _perturbed(vectors: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    noisy = vectors.astype(np.float32) + rng.normal(
        0, noise / math.sqrt(vectors.shape[1]), vectors.shape
    ).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    return noisy.astype("<f2")


def _add_copy(
    conn: sqlite3.Connection,
    offset: int,
    base: int,
    ids: np.ndarray,
    vectors: np.ndarray,
    text_hashes: list[str],
) -> None:
    """One copy of the original papers (ids ``offset`` on) with ``vectors`` as theirs."""
    conn.execute(
        f"INSERT INTO papers (id, arxiv_id, {COLUMNS}) SELECT id + {offset}, "
        f"printf('%02d%02d.%05d', 90 + (id + {offset}) / 1200000, "
        f"((id + {offset}) / 100000) % 12 + 1, (id + {offset}) % 100000), {COLUMNS} "
        f"FROM papers WHERE id <= {base} AND arxiv_id NOT LIKE '90%'"
    )
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    conn.executemany(
        INSERT_EMBEDDING,
        (
            (int(i) + offset, h, vectors[n].tobytes(), now, int(i) + offset)
            for n, (i, h) in enumerate(zip(ids, text_hashes, strict=True))
        ),
    )
    conn.commit()
