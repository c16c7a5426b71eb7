"""Stored paper embeddings (the source of truth for every vector index) and search job leases."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dailypapers.db.schema import paper_embeddings, papers, search_jobs
from dailypapers.store import leases
from dailypapers.store.keys import chunks

VECTOR_DTYPE = np.dtype("<f2")  # half precision: a quarter of float64, error far below the model's


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=VECTOR_DTYPE).tobytes()


def from_bytes(blobs: Sequence[bytes], dimensions: int) -> np.ndarray:
    """float32 matrix, one row per blob."""
    if not blobs:
        return np.zeros((0, dimensions), dtype=np.float32)
    return (
        np.frombuffer(b"".join(blobs), dtype=VECTOR_DTYPE)
        .reshape(len(blobs), -1)
        .astype(np.float32)
    )


def _stale(model: str):
    return or_(
        paper_embeddings.c.paper_id.is_(None),
        paper_embeddings.c.model != model,
        paper_embeddings.c.content_hash != papers.c.content_hash,
    )


def pending(
    conn: Connection,
    model: str,
    *,
    after_id: int = 0,
    limit: int = 1000,
    paper_ids: Iterable[int] | None = None,
    everything: bool = False,
) -> list[dict[str, Any]]:
    """Papers without a current embedding (none, another model, or changed since), by id;
    ``everything``: every paper, with the model and text hash of its stored embedding."""
    query = (
        select(
            papers.c.id,
            papers.c.arxiv_id,
            papers.c.title,
            papers.c.abstract,
            papers.c.content_hash,
            paper_embeddings.c.model.label("stored_model"),
            paper_embeddings.c.text_hash.label("stored_text_hash"),
        )
        .select_from(papers.outerjoin(paper_embeddings, paper_embeddings.c.paper_id == papers.c.id))
        .where(papers.c.id > after_id)
        .order_by(papers.c.id)
        .limit(limit)
    )
    if not everything:
        query = query.where(_stale(model))
    if paper_ids is not None:
        query = query.where(papers.c.id.in_(list(paper_ids)))
    return [dict(row) for row in conn.execute(query).mappings()]


def texts_of(conn: Connection, arxiv_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """(id, title, abstract, content_hash) of the stored papers among ``arxiv_ids``."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(list(dict.fromkeys(arxiv_ids))):
        query = select(
            papers.c.id, papers.c.arxiv_id, papers.c.title, papers.c.abstract, papers.c.content_hash
        ).where(papers.c.arxiv_id.in_(chunk))
        found.update({row["arxiv_id"]: dict(row) for row in conn.execute(query).mappings()})
    return found


def count_since(conn: Connection, model: str, since: datetime | None) -> int:
    """How many embeddings of ``model`` were written after ``since`` (all when None)."""
    query = (
        select(func.count()).select_from(paper_embeddings).where(paper_embeddings.c.model == model)
    )
    if since is not None:
        query = query.where(paper_embeddings.c.embedded_at > since)
    return conn.execute(query).scalar_one()


def count_pending(conn: Connection, model: str) -> int:
    query = (
        select(func.count())
        .select_from(papers.outerjoin(paper_embeddings, paper_embeddings.c.paper_id == papers.c.id))
        .where(_stale(model))
    )
    return conn.execute(query).scalar_one()


def save(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or replace embeddings: rows of paper_id, model, content_hash, text_hash, vector."""
    if not rows:
        return
    now = datetime.now(UTC)
    values = [{**row, "embedded_at": row.get("embedded_at") or now} for row in rows]
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(paper_embeddings)
    statement = statement.on_conflict_do_update(
        index_elements=[paper_embeddings.c.paper_id],
        set_={
            name: statement.excluded[name]
            for name in ("model", "content_hash", "text_hash", "vector", "embedded_at")
        },
    )
    conn.execute(statement, values)


def touch(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Mark embeddings current for papers whose embedded text did not change (paper_id, hash)."""
    if not rows:
        return
    statement = (
        update(paper_embeddings)
        .where(paper_embeddings.c.paper_id == bindparam("_id"))
        .values(content_hash=bindparam("_hash"), embedded_at=bindparam("_at"))
    )
    now = datetime.now(UTC)
    conn.execute(
        statement, [{"_id": r["paper_id"], "_hash": r["content_hash"], "_at": now} for r in rows]
    )


def count(conn: Connection, model: str) -> int:
    return conn.execute(
        select(func.count()).select_from(paper_embeddings).where(paper_embeddings.c.model == model)
    ).scalar_one()


def _index_rows():
    """What a vector index reads of an embedding: the vector and the paper's filter fields."""
    return select(
        paper_embeddings.c.paper_id,
        paper_embeddings.c.vector,
        paper_embeddings.c.embedded_at,
        papers.c.published_at,
        papers.c.listed_on,
        papers.c.categories,
    ).join(papers, papers.c.id == paper_embeddings.c.paper_id)


def stream(
    conn: Connection, model: str, *, since: datetime | None = None, page: int = 5000
) -> Iterator[list[dict[str, Any]]]:
    """Pages of (paper_id, vector, embedded_at, published_at, listed_on, categories), by id.

    ``since`` keeps the embeddings written at or after that time (a worker catching up).
    """
    after = 0
    while True:
        query = (
            _index_rows()
            .where(paper_embeddings.c.model == model, paper_embeddings.c.paper_id > after)
            .order_by(paper_embeddings.c.paper_id)
            .limit(page)
        )
        if since is not None:
            query = query.where(paper_embeddings.c.embedded_at >= since)
        rows = [dict(row) for row in conn.execute(query).mappings()]
        if not rows:
            return
        yield rows
        after = rows[-1]["paper_id"]


def latest(conn: Connection, model: str) -> datetime | None:
    """When the newest embedding of ``model`` was written (one index lookup)."""
    return conn.execute(
        select(func.max(paper_embeddings.c.embedded_at)).where(paper_embeddings.c.model == model)
    ).scalar()


def changed_since(
    conn: Connection, model: str, since: datetime | None
) -> list[tuple[int, datetime]]:
    """(paper_id, embedded_at) of the embeddings written at or after ``since``: keys only, so
    re-reading a window of them costs little."""
    query = select(paper_embeddings.c.paper_id, paper_embeddings.c.embedded_at).where(
        paper_embeddings.c.model == model
    )
    if since is not None:
        query = query.where(paper_embeddings.c.embedded_at >= since)
    return [(row.paper_id, row.embedded_at) for row in conn.execute(query)]


def rows_for(conn: Connection, model: str, paper_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The rows of :func:`stream` for ``paper_ids`` (those having an embedding of ``model``)."""
    found: list[dict[str, Any]] = []
    for chunk in chunks(list(paper_ids)):
        query = _index_rows().where(
            paper_embeddings.c.model == model, paper_embeddings.c.paper_id.in_(chunk)
        )
        found.extend(dict(row) for row in conn.execute(query).mappings())
    return found


def vectors_for(conn: Connection, paper_ids: Iterable[int], model: str) -> dict[int, bytes]:
    wanted = list(dict.fromkeys(int(i) for i in paper_ids))
    found: dict[int, bytes] = {}
    for chunk in chunks(wanted):
        rows = conn.execute(
            select(paper_embeddings.c.paper_id, paper_embeddings.c.vector).where(
                paper_embeddings.c.paper_id.in_(chunk), paper_embeddings.c.model == model
            )
        )
        found.update({row.paper_id: row.vector for row in rows})
    return found


# -- leases --------------------------------------------------------------------------------------


def try_lease(conn: Connection, name: str, owner: str, until: datetime, now: datetime) -> bool:
    """Take (or renew) the lease on job ``name`` unless another owner holds a live one."""
    exists = conn.execute(select(search_jobs.c.name).where(search_jobs.c.name == name)).first()
    if exists is None:
        leases.ensure_row(conn, search_jobs, name=name)
    return leases.take(conn, search_jobs, search_jobs.c.name == name, owner, until, now)


def release(conn: Connection, name: str, owner: str, now: datetime) -> None:
    conn.execute(
        update(search_jobs)
        .where(and_(search_jobs.c.name == name, search_jobs.c.lease_owner == owner))
        .values(lease_owner=None, lease_until=None, last_run_at=now)
    )
