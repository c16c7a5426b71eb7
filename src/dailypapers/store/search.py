"""Full-text queries (SQLite FTS5 / PostgreSQL tsvector), search filters and result rows.

Callers hand over backend-neutral pieces (a match expression already built for the backend by
``search.keyword``, filters as values); every user value travels as a bound parameter. Filters
and sorts are part of the SQL, so a page is always full when enough papers match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, literal_column, select, table, text
from sqlalchemy import column as table_column

from dailypapers.db.schema import papers

# Title, authors, abstract: a title hit counts most, then an author, then the abstract.
BM25_WEIGHTS = (5.0, 3.0, 1.0)


@dataclass
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    categories: Sequence[str] = ()
    exclude_ids: Sequence[int] = ()
    has_code: bool = False  # only papers with a code link (paper_links, kind "code")

    def __bool__(self) -> bool:
        return bool(self.date_from or self.date_to or self.categories or self.has_code)


def _is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def paper_day_sql(conn: Connection, table: str = "p") -> str:
    """The paper's date: first-version time, else its listing day (listing dumps have no time);
    ``table`` names the papers table in the query."""
    if _is_sqlite(conn):
        return f"coalesce({table}.published_at, {table}.listed_on)"
    return f"coalesce({table}.published_at, {table}.listed_on::timestamp AT TIME ZONE 'UTC')"


def day_bound(conn: Connection, day: date) -> Any:
    """The value :func:`paper_day_sql` compares with for the start of ``day``."""
    return day.isoformat() if _is_sqlite(conn) else datetime.combine(day, time(), UTC)


def text_matches(conn: Connection, match: str, *, looked_up: bool) -> ColumnElement[bool]:
    """The row of ``papers`` matches ``match`` (an expression of :mod:`search.keyword`). On
    SQLite, when ``looked_up``, the matches' ids are what the query looks papers up by (few
    matches); otherwise the whole set is read once and each paper walked is tested against it
    (many matches: testing a paper's id in the full-text index itself costs a millisecond)."""
    if not _is_sqlite(conn):
        return literal_column("papers.search_document").op("@@")(func.to_tsquery("english", match))
    fts = table("papers_fts", table_column("rowid"))
    matching_ids = select(fts.c.rowid).where(literal_column("papers_fts").op("MATCH")(match))
    key = papers.c.id if looked_up else papers.c.id + 0  # "+ 0": no lookup by this set
    return key.in_(matching_ids)


def _filter_sql(conn: Connection, filters: Filters, params: dict[str, Any]) -> list[str]:
    clauses = []
    day = paper_day_sql(conn)
    sqlite = _is_sqlite(conn)
    if filters.date_from:
        clauses.append(f"{day} >= :date_from")
        params["date_from"] = day_bound(conn, filters.date_from)
    if filters.date_to:
        clauses.append(f"{day} < :date_to")
        params["date_to"] = day_bound(conn, filters.date_to + timedelta(days=1))
    if filters.categories:
        # A text match on the JSON list ('"cs.cv"' inside '["cs.CV", "cs.AI"]') is far cheaper
        # than unpacking it row by row, and exact: the quotes delimit a whole category.
        column = "p.categories" if sqlite else "lower(p.categories::text)"
        tests = []
        for position, category in enumerate(filters.categories):
            escaped = category.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params[f"cat{position}"] = f'%"{escaped}"%'
            tests.append(f"{column} LIKE :cat{position} ESCAPE '\\'")
            if "." not in category:  # an archive: also every one of its categories
                params[f"catp{position}"] = f'%"{escaped}.%'
                tests.append(f"{column} LIKE :catp{position} ESCAPE '\\'")
        clauses.append("(" + " OR ".join(tests) + ")")
    if filters.has_code:  # one EXISTS the links' primary key (paper_id, position) answers
        clauses.append(
            "EXISTS (SELECT 1 FROM paper_links l WHERE l.paper_id = p.id AND l.kind = 'code')"
        )
    if filters.exclude_ids:
        names = []
        for position, paper_id in enumerate(filters.exclude_ids):
            params[f"ex{position}"] = int(paper_id)
            names.append(f":ex{position}")
        clauses.append(f"p.id NOT IN ({', '.join(names)})")
    return clauses


def _order_sql(conn: Connection, sort: str) -> str:
    day = paper_day_sql(conn)
    nulls = "" if _is_sqlite(conn) else " NULLS LAST"
    if sort == "newest":
        return f"{day} DESC{nulls}, p.id DESC"
    if sort == "upvotes":
        return (
            "(p.upstream_upvotes + (SELECT count(*) FROM votes v WHERE v.paper_id = p.id)) DESC, "
            f"{day} DESC{nulls}, p.id DESC"
        )
    raise ValueError(f"unknown sort {sort!r}")


def full_text(
    conn: Connection,
    match: str,
    filters: Filters,
    *,
    sort: str = "relevance",
    limit: int = 20,
    offset: int = 0,
    min_id: int = 0,
    term_weights: Sequence[tuple[str, float]] = (),
) -> list[tuple[int, float]]:
    """(paper id, score) of papers matching ``match`` (FTS5 expression or tsquery text).

    Scores grow with relevance on both backends (SQLite's bm25 is negated). ``min_id`` limits
    the papers considered to those stored since that id (a ranking window for huge matches).
    ``term_weights`` ((tsquery, weight) per term; PostgreSQL only) scores a paper by the
    weighted sum of each term's ``ts_rank`` instead of one ``ts_rank`` of ``match``.
    """
    params: dict[str, Any] = {"match": match, "limit": limit, "offset": offset}
    where = _filter_sql(conn, filters, params)
    if min_id > 0:
        params["min_id"] = min_id
    if _is_sqlite(conn):
        if min_id > 0:
            where.insert(0, "papers_fts.rowid >= :min_id")
        w = BM25_WEIGHTS
        score = f"-bm25(papers_fts, {w[0]}, {w[1]}, {w[2]})"
        if (
            where == (["papers_fts.rowid >= :min_id"] if min_id > 0 else []) and sort == "relevance"
        ):  # nothing needs the paper row: skip the join
            window = " AND rowid >= :min_id" if min_id > 0 else ""
            sql = (
                f"SELECT rowid AS id, {score} AS score FROM papers_fts WHERE papers_fts "
                f"MATCH :match{window} ORDER BY score DESC, rowid DESC "
                "LIMIT :limit OFFSET :offset"
            )
            return [(row.id, float(row.score)) for row in conn.execute(text(sql), params)]
        source = "papers_fts JOIN papers p ON p.id = papers_fts.rowid"
        where.insert(0, "papers_fts MATCH :match")
    else:
        score = _pg_score(term_weights, params)
        source = "papers p, to_tsquery('english', :match) q"
        where.insert(0, "p.search_document @@ q")
        if min_id > 0:
            where.append("p.id >= :min_id")
    order = "score DESC, p.id DESC" if sort == "relevance" else _order_sql(conn, sort)
    sql = (
        f"SELECT p.id AS id, {score} AS score FROM {source} WHERE {' AND '.join(where)} "
        f"ORDER BY {order} LIMIT :limit OFFSET :offset"
    )
    return [(row.id, float(row.score)) for row in conn.execute(text(sql), params)]


def _pg_score(term_weights: Sequence[tuple[str, float]], params: dict[str, Any]) -> str:
    """PostgreSQL's score: ``ts_rank`` of the query, or the weighted sum of its terms' ranks.

    ts_rank counts every word alike (no IDF): weighting each term's rank by its rarity lets a
    paper sharing the rare words of a description beat one sharing its common ones, as BM25
    does on SQLite.
    """
    if not term_weights:
        return "ts_rank(p.search_document, q, 1)"
    parts = []
    for position, (term, weight) in enumerate(term_weights):
        params[f"term{position}"] = term
        parts.append(
            f"{float(weight):.6f} * ts_rank(p.search_document, "
            f"to_tsquery('english', :term{position}), 1)"
        )
    return "(" + " + ".join(parts) + ")"


def count_full_text(
    conn: Connection, match: str, filters: Filters, *, cap: int = 1_000, min_id: int = 0
) -> int:
    """How many papers match, counted up to ``cap`` (the page says "1000+" beyond)."""
    params: dict[str, Any] = {"match": match, "cap": cap, "min_id": min_id}
    where = _filter_sql(conn, filters, params)
    if _is_sqlite(conn):
        source = "papers_fts" + (" JOIN papers p ON p.id = papers_fts.rowid" if where else "")
        where.insert(0, "papers_fts MATCH :match")
        if min_id > 0:
            where.append("papers_fts.rowid >= :min_id")
    else:
        source = "papers p, to_tsquery('english', :match) q"
        where.insert(0, "p.search_document @@ q")
        if min_id > 0:
            where.append("p.id >= :min_id")
    return _capped_count(conn, source, where, params)


def _capped_count(conn: Connection, source: str, where: list[str], params: dict[str, Any]) -> int:
    """How many rows of ``source`` pass every ``where`` condition, counted up to ``:cap`` only
    (the database stops reading there)."""
    sql = (
        f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {' AND '.join(where)} "
        "LIMIT :cap) AS matches"
    )
    return conn.execute(text(sql), params).scalar_one()


def filtered(
    conn: Connection,
    filters: Filters,
    *,
    exclude_match: str | None = None,
    sort: str = "newest",
    limit: int = 20,
    offset: int = 0,
) -> list[int]:
    """Papers passing the filters only (no words to match), newest or most upvoted first."""
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    where = _filter_sql(conn, filters, params) or ["1 = 1"]
    if exclude_match:
        params["exclude"] = exclude_match
        if _is_sqlite(conn):
            where.append(
                "p.id NOT IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH :exclude)"
            )
        else:
            where.append("NOT (p.search_document @@ to_tsquery('english', :exclude))")
    order = _order_sql(conn, "newest" if sort == "relevance" else sort)
    sql = (
        f"SELECT p.id FROM papers p WHERE {' AND '.join(where)} ORDER BY {order} "
        "LIMIT :limit OFFSET :offset"
    )
    return [row.id for row in conn.execute(text(sql), params)]


def count_filtered(conn: Connection, filters: Filters, *, cap: int = 1_000) -> int:
    params: dict[str, Any] = {"cap": cap}
    where = _filter_sql(conn, filters, params) or ["1 = 1"]
    return _capped_count(conn, "papers p", where, params)


def order_ids(
    conn: Connection,
    ids: Iterable[int],
    sort: str,
    filters: Filters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
) -> list[int]:
    """``ids`` (a candidate set) that pass ``filters``, ordered by ``sort`` in SQL."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return []
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    where = _filter_sql(conn, filters or Filters(), params)
    names = []
    for position, paper_id in enumerate(wanted):
        params[f"id{position}"] = paper_id
        names.append(f":id{position}")
    where.insert(0, f"p.id IN ({', '.join(names)})")
    sql = (
        f"SELECT p.id FROM papers p WHERE {' AND '.join(where)} ORDER BY "
        f"{_order_sql(conn, sort)} LIMIT :limit OFFSET :offset"
    )
    return [row.id for row in conn.execute(text(sql), params)]


# Below this many papers a word's matches are counted, not estimated: migration 0006 has ANALYZE
# track the lexemes of ~0.1 % of papers and more, so the estimates above it are read from samples.
PG_EXACT_UNDER = 500


def document_frequencies(
    conn: Connection, words: Sequence[str], *, cap: int = 100_000
) -> dict[str, int]:
    """Papers containing each word (as the index stems it), counted up to ``cap``."""
    wanted = list(dict.fromkeys(words))
    if not wanted:
        return {}
    if _is_sqlite(conn):
        # FTS5's tokenizer stems with the original Porter algorithm; PyStemmer's "porter" is
        # the same algorithm, so the vocabulary table is looked up with the index's own terms.
        stems = {w: _porter().stemWord(w) for w in wanted}
        names = ", ".join(f":w{i}" for i in range(len(wanted)))
        rows = conn.execute(
            text(f"SELECT term, doc FROM papers_fts_vocab WHERE term IN ({names})"),
            {f"w{i}": stems[w] for i, w in enumerate(wanted)},
        )
        found = {row.term: row.doc for row in rows}
        return {w: min(found.get(stems[w], 0), cap) for w in wanted}
    return _pg_document_frequencies(conn, wanted, cap)


def _pg_document_frequencies(conn: Connection, wanted: list[str], cap: int) -> dict[str, int]:
    """PostgreSQL keeps no per-word document count, and counting a common word's GIN matches
    costs tens of milliseconds a word. Its statistics do know the common words: ANALYZE samples
    the most common lexemes of the tsvector column, and the planner's row estimate for a one-word
    query comes from them. Common words take that estimate; rarer ones (and every word when
    statistics are missing or stale) are counted, cheaply while they stay under PG_EXACT_UNDER,
    in full otherwise.

    Stop words ("with", "is") are in no tsvector, and a tsquery drops them: they restrict
    nothing, so they count as matching every paper (the cap). Counted as 0 they made "Scaling
    with" look rare, and its ranking ran over every paper about scaling.
    """
    stop_words = set(
        conn.execute(
            text(
                "SELECT w FROM unnest(CAST(:words AS text[])) AS w "
                "WHERE to_tsvector('english', w) = ''::tsvector"
            ),
            {"words": wanted},
        ).scalars()
    )
    counts = dict.fromkeys(stop_words, cap)
    for word in wanted:
        if word not in stop_words:
            counts[word] = _pg_count(conn, word, cap)
    return counts


def _pg_count(conn: Connection, word: str, cap: int) -> int:
    params = {"q": "'" + word.replace("'", "''") + "'", "cap": cap}
    plan = conn.execute(
        text(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM papers WHERE search_document @@ "
            "to_tsquery('english', :q)"
        ),
        params,
    ).scalar_one()
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    if estimate >= PG_EXACT_UNDER:
        return min(estimate, cap)
    count_sql = (
        "SELECT count(*) FROM (SELECT 1 FROM papers WHERE search_document @@ "
        "to_tsquery('english', :q) LIMIT :cap) AS matches"
    )
    exact = conn.execute(text(count_sql), {**params, "cap": PG_EXACT_UNDER}).scalar_one()
    if exact >= PG_EXACT_UNDER:  # the statistics missed a common word: count it all
        exact = conn.execute(text(count_sql), params).scalar_one()
    return min(exact, cap)


def _porter():
    import threading

    import Stemmer

    local = _porter.__dict__.setdefault("local", threading.local())
    if not hasattr(local, "stemmer"):
        local.stemmer = Stemmer.Stemmer("porter")
    return local.stemmer


def max_paper_id(conn: Connection) -> int:
    return conn.execute(select(func.max(papers.c.id))).scalar() or 0


def matching(conn: Connection, ids: Sequence[int], match: str) -> set[int]:
    """Those of ``ids`` that match ``match`` (used to apply exclusions to semantic hits)."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return set()
    params: dict[str, Any] = {"match": match}
    names = []
    for position, paper_id in enumerate(wanted):
        params[f"id{position}"] = paper_id
        names.append(f":id{position}")
    if _is_sqlite(conn):
        sql = (
            f"SELECT rowid AS id FROM papers_fts WHERE papers_fts MATCH :match "
            f"AND rowid IN ({', '.join(names)})"
        )
    else:
        sql = (
            f"SELECT id FROM papers WHERE id IN ({', '.join(names)}) "
            "AND search_document @@ to_tsquery('english', :match)"
        )
    return {row.id for row in conn.execute(text(sql), params)}
