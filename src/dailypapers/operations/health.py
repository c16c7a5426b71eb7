"""Readiness: may this process be sent requests? The database answers a trivial query in time,
its schema is the one this code expects, and each search index is loaded or being built.

Liveness needs no function: a process that answers ``/healthz`` is alive. Readiness never opens
or builds an index itself (a probe must stay cheap); it reports what this process holds: an
index opens on the first search, or at start with the ``embed`` job.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Late

from dailypapers.config import Settings
from dailypapers.db import migrate
from dailypapers.db.engine import Database, is_outage
from dailypapers.operations.records import Check, Readiness
from dailypapers.search import keyword_index, semantic
from dailypapers.search.holder import IndexHolder
from dailypapers.store import health as health_store

# A probe answers within this: a database slower than this to a trivial query is as good as
# down for readers, and load balancers' probe timeouts are a few seconds.
TIMEOUT_SECONDS = 2.0
# The database check runs here so a hung connection attempt cannot hold the probe past its
# timeout; two threads, so a hung check leaves room for the next probe's.
_checks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="readiness")
_head: list[str | None] = []  # the migrations' head, read once: it is this code's


def readiness(db: Database, settings: Settings, timeout: float = TIMEOUT_SECONDS) -> Readiness:
    """The checks, each named, with what it found."""
    checks = _database_checks(db, timeout)
    checks.append(_index_check("keyword_index", keyword_index.for_settings(db, settings)))
    checks.append(_index_check("semantic_index", semantic.for_settings(db, settings)))
    return Readiness(checks)


def _database_checks(db: Database, timeout: float) -> list[Check]:
    pending = _checks.submit(_revision, db, int(timeout * 1000))
    try:
        revision = pending.result(timeout)
    except Late:
        return [Check("database", False, f"no answer within {timeout:g} s")]
    except Exception as error:
        if not is_outage(error):
            raise
        return [Check("database", False, f"unreachable: {type(error.__cause__ or error).__name__}")]
    database = Check("database", True, "answers")
    if not _head:
        _head.append(migrate.head_revision(db))
    if revision != _head[0]:
        found = f"at {revision or 'no revision'}, the code expects {_head[0]}"
        return [database, Check("migrations", False, f"{found}: run `dailypapers db upgrade`")]
    return [database, Check("migrations", True, f"at head ({revision})")]


def _revision(db: Database, timeout_ms: int) -> str | None:
    with db.read() as conn:
        health_store.ping(conn, timeout_ms)
    return migrate.current_revision(db)


def _index_check(name: str, holder: IndexHolder) -> Check:
    """Always passing: an index being built answers searches from the store meanwhile."""
    if holder.index is not None:
        return Check(name, True, "loaded")
    building = holder.building
    if building is not None and building.is_alive():
        return Check(name, True, "building")
    return Check(name, True, "opens on first search")
