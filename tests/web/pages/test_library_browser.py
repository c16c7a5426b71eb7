"""The library in Debian's Chromium: a new reader imports a .bib on /library/import, adds two
papers of a day to the imported collection from their cards (htmx, in place), and exports the
collection as BibTeX, which bibtexparser reads back with all four papers."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
import pytest
from playwright.sync_api import expect

from tests.support import data

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.store("feed")]

IMPORTED = ["2506.09984", "2506.09350"]
BIB = (
    f"@misc{{first, title = {{A paper}}, eprint = {{{IMPORTED[0]}}}, archivePrefix = {{arXiv}}}}\n"
    f"@article{{second, title = {{B}}, url = {{https://arxiv.org/abs/{IMPORTED[1]}v1}}}}\n"
)


def test_a_new_reader_imports_a_bib_adds_two_papers_and_exports_the_collection(page, alice):
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

    page.goto("/papers/date/2025-06-16")
    cards = page.locator("li.card")
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
