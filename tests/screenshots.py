"""``make screenshots``: PNGs of the main pages at 1280 px and 390 px wide, into ./screenshots/.

Imports a slice of the real data (June 2025 of the upstream feed, plus three arXiv listing days for
papers with LaTeX in their titles) into a throwaway SQLite store, adds a user with a submission,
votes, a comment thread, embeds the papers for semantic search (the model is cached in the
temporary folder between runs; ``--no-semantic`` skips this and shows search's keyword-only
notice), then serves the real app on loopback and photographs it with Debian's Chromium.
Usage: ``python -m tests.screenshots [--out DIR] [--shared DIR] [--no-semantic]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from tests.support.browser import launch, serve

ROOT = Path(__file__).resolve().parents[1]
# This checkout's code, whatever copy the venv has installed (as pytest's pythonpath does).
sys.path.insert(0, str(ROOT / "src"))
WIDTHS = {"desktop": 1280, "phone": 390}
PASSWORD = "correct horse battery"


MODEL_CACHE = Path(tempfile.gettempdir()) / "dailypapers-screens-model"
SEARCH_QUERY = "/search?q=reinforcement+learning+reasoning"


def build_store(data_dir: Path, shared: Path, semantic: bool = True):
    """A migrated SQLite store with the real slice and a little local activity."""
    from dailypapers.accounts import registration as accounts
    from dailypapers.config import Settings
    from dailypapers.db import connect, migrate
    from dailypapers.ingest import importer
    from dailypapers.papers import submissions

    settings = Settings(
        data_dir=data_dir,
        harvest_sources=[],
        secret_key="screenshots-only",
        cache_seconds=0,
        jobs=[],
        search_model_dir=MODEL_CACHE,
    )
    db = connect(settings.resolved_database_url)
    migrate.upgrade(db)
    daily = sorted((shared / "hf-daily-papers").glob("2025-06-*.json.gz"))
    listings = [shared / "arxiv-listings" / f"2025-06-{d}.jsonl.gz" for d in (10, 11, 12)]
    importer.import_paths(db, [*daily, *[p for p in listings if p.exists()]])

    alice = accounts.sign_up(db, settings, "alice", "alice@example.com", PASSWORD)
    bob = accounts.sign_up(db, settings, "bob", "bob@example.com", PASSWORD)
    # A paper with LaTeX in its title enters the newest day of the slice, submitted by alice.
    on_last_day = datetime(2025, 6, 30, 15, 0, tzinfo=UTC)
    latex_id = None
    for candidate in ("2506.07982", "2506.08235", "2506.07064"):
        try:
            latex_id = submissions.submit(
                db, settings, alice.id, candidate, now=on_last_day
            ).arxiv_id
            break
        except submissions.SubmissionError:
            continue
    add_discussion(db, alice, bob)
    if semantic:
        from dailypapers.search import indexing

        indexing.embed_pending(db, settings)
        indexing.write_snapshot(db, settings)
    return settings, db, latex_id


def add_discussion(db, alice, bob) -> None:
    """Two upvotes and a short thread on the paper the screenshots show."""
    from dailypapers.papers import discussion, voting

    for user in (alice, bob):
        voting.upvote(db, user.id, "2506.08007")
    first = discussion.post(
        db,
        alice.id,
        "2506.08007",
        "The **scaling curves** in Figure 3 are the part to read. Has anyone "
        "reproduced them on a smaller model?",
    )
    discussion.post(
        db,
        bob.id,
        "2506.08007",
        "Yes: with a 1B model the trend holds, see `scripts/rpt_small.sh` in "
        "[their repo](https://github.com/microsoft/unilm).",
        parent_id=first.id,
    )
    discussion.post(
        db, bob.id, "2506.08007", "Curious how this compares to plain RLVR on math benchmarks."
    )


def shoot(base: str, out: Path, latex_id: str | None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    pages = [
        ("daily", "/papers"),
        ("daily-2025-06-10", "/papers/date/2025-06-10"),
        ("week", "/papers/week/2025-W24"),
        ("month", "/papers/month/2025-06"),
        ("trending", "/papers/trending"),
        ("paper", "/papers/2506.08007"),
        ("paper-latex", f"/papers/{latex_id or '2506.08007'}"),  # alice's submission
        ("signin", "/signin"),
        ("signup-errors", None),
        ("search", SEARCH_QUERY),
        ("search-tips", "/search"),
        ("search-id", "/search?q=2506.08007"),  # a direct hit, then papers like it
        ("search-filtered", "/search?q=language+model&category=cs.CL&sort=upvotes"),
        ("not-found", "/papers/2599.99999"),
    ]
    signed_in = [
        ("submit", "/submit"),
        ("user", "/users/alice"),
        ("paper-signed-in", "/papers/2506.08007"),
        ("search-signed-in", SEARCH_QUERY),
    ]
    written: list[Path] = []
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        for scheme in ("light", "dark"):
            for label, width in WIDTHS.items():
                if scheme == "dark" and label == "phone":
                    continue
                context = browser.new_context(
                    viewport={"width": width, "height": 900},
                    color_scheme=scheme,
                    device_scale_factor=1,
                )
                page = context.new_page()
                suffix = f"{label}{'-dark' if scheme == 'dark' else ''}"
                for name, path in pages:
                    if scheme != "dark" or name in ("daily", "paper", "search"):
                        written.append(_shoot_one(page, base, name, path, out, suffix))
                if scheme == "light":
                    written += _shoot_signed_in(page, base, signed_in, out, suffix)
                context.close()
        browser.close()
    return written


def _shoot_one(
    page,
    base: str,
    name: str,
    path: str | None,
    out: Path,
    suffix: str,
) -> Path:
    if name == "signup-errors":
        page.goto(base + "/signup")
        page.fill("#username", "a")
        page.fill("#email", "not-an-email")
        page.fill("#password", "short")
        page.click("form.stack button[type=submit]")
    else:
        page.goto(base + path)
    page.wait_for_load_state("networkidle")
    return _save(page, out / f"{name}-{suffix}.png")


def _shoot_signed_in(
    page,
    base: str,
    signed_in: list,
    out: Path,
    suffix: str,
) -> list[Path]:
    page.goto(base + "/signin")
    page.fill("#login", "alice")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state("networkidle")
    written = []
    for name, path in signed_in:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        written.append(_save(page, out / f"{name}-{suffix}.png"))
    return written


def _save(page, path: Path) -> Path:
    # Paper pages in full (their discussion sits below the fold); lists as a reader first sees them.
    page.screenshot(path=str(path), full_page=path.name.startswith("paper"))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--no-semantic",
        dest="semantic",
        action="store_false",
        help="skip embedding the papers (faster; search shows keyword results)",
    )
    args = parser.parse_args(argv)
    if not (args.shared / "hf-daily-papers").is_dir():
        raise SystemExit(f"{args.shared} has no hf-daily-papers folder (pass --shared)")

    from dailypapers.web.app import create_app

    with tempfile.TemporaryDirectory(prefix="dailypapers-screens-") as tmp:
        settings, db, latex_id = build_store(Path(tmp), args.shared, args.semantic)
        with serve(create_app(settings, db)) as base:
            written = shoot(base, args.out, latex_id)
        db.dispose()
    print(f"wrote {len(written)} screenshots to {args.out}")


if __name__ == "__main__":
    main()
