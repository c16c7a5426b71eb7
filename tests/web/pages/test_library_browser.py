"""The library in Debian's Chromium: a new reader imports a .bib on /library/import, finds
recommendations with their reasons on "For you" at once (the imported papers are what they
learn from), adds two recommended papers to the imported collection from their cards (htmx, in
place), and exports the collection as BibTeX, which bibtexparser reads back with all four."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
import pytest
from playwright.sync_api import expect

from tests.support import data

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.store("search")]

IMPORTED = ["2506.08007", "2506.07044"]
BIB = (
    f"@misc{{first, title = {{A paper}}, eprint = {{{IMPORTED[0]}}}, archivePrefix = {{arXiv}}}}\n"
    f"@article{{second, title = {{B}}, url = {{https://arxiv.org/abs/{IMPORTED[1]}v1}}}}\n"
)


@pytest.fixture
def settings(settings, model_dir):
    """The session's model folder, so nothing here would ever export the model again."""
    return settings.model_copy(update={"search_model_dir": model_dir})


def test_a_new_reader_imports_a_bib_adds_two_papers_and_exports_the_collection(
    page, alice, indexed
):
    page.goto("/signin")
    page.fill("#login", alice.username)
    page.fill("#password", data.PASSWORD)
    page.locator("form.stack").get_by_role("button", name="Sign in").click()

    page.goto("/library/import")
    upload = {"name": "mine.bib", "mimeType": "text/plain", "buffer": BIB.encode()}
    page.set_input_files("#library-file", files=[upload])
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".import-report")).to_contain_text("2 entries matched")
    page.get_by_role("link", name="Open the collection").click()
    page.wait_for_url(re.compile(r"/collections/\d+$"))
    collection = page.url

    page.goto("/for-you")  # what the imported papers teach, at once
    for part in ("New for you", "From the archive"):
        expect(page.get_by_role("heading", name=part)).to_be_visible()
    cards = page.locator("li.card")
    expect(cards.first).to_contain_text("which is in your library.")
    added = []
    for n in range(2):
        card = cards.nth(n)
        added.append(card.locator(".card-title a").get_attribute("href").rsplit("/", 1)[1])
        card.get_by_role("link", name="Add to collection").click()
        card.get_by_role("button", name="Imported from mine.bib").click()
        expect(card.locator(".collection-picker")).to_contain_text("Added to")

    page.goto(collection)
    with page.expect_download() as download:
        page.get_by_role("link", name="BibTeX").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    entries = bibtexparser.parse_string(text).entries
    assert [entry["eprint"] for entry in entries] == IMPORTED + added
    assert download.value.suggested_filename.endswith(".bib")
