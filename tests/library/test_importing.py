"""Importing exports into a collection: every entry with an arXiv id matched, the rest named;
formats told by content; round trips of our own exports; unknown ids fetched in the background;
the file-level refusals and the parser attacks."""

from __future__ import annotations

import json

import bibtexparser
import pytest
from bibtexparser import model

from dailypapers.library import collections, exports, fetching, formats, importing
from dailypapers.library.records import TooManyCollections
from dailypapers.papers import catalog
from dailypapers.store import library as library_store
from tests.support import corpora

pytestmark = pytest.mark.store("feed")


def _stored(db, limit=2000):
    with db.read() as conn:
        rows = list(library_store.titles(conn))[:limit]
    return catalog.cards(db, [row[0] for row in rows])


def _bib(entries: list[model.Entry]) -> bytes:
    library = bibtexparser.Library()
    for entry in entries:
        library.add(entry)
    return bibtexparser.write_string(library).encode()


def _thousand_entries(cards):
    """1,000 entries in the ways exports name a paper, and the names of those that cannot match."""
    entries, hopeless, with_id = [], [], 0
    for n in range(1000):
        c = cards[n % len(cards)]
        key, kind = f"entry{n}", n % 10
        fields = [model.Field("title", c.title)]
        if kind in (0, 1, 2):
            fields.append(model.Field("eprint", c.arxiv_id))
        elif kind in (3, 4):
            fields.append(model.Field("url", f"https://arxiv.org/pdf/{c.arxiv_id}v2"))
        elif kind == 5:
            fields.append(model.Field("doi", f"10.48550/arXiv.{c.arxiv_id}"))
        elif kind == 6:
            fields.append(model.Field("journal", f"arXiv preprint arXiv:{c.arxiv_id}"))
        elif kind == 8:  # another publisher's DOI, a title no stored paper has
            fields = [
                model.Field("title", f"Unknown work {n}"),
                model.Field("doi", f"10.1000/x{n}"),
            ]
            hopeless.append(key)
        with_id += kind in (0, 1, 2, 3, 4, 5, 6)
        entries.append(model.Entry("article", key, fields))  # kind 7, 9: the title alone
    return entries, hopeless, with_id


def test_it_matches_every_entry_of_a_thousand_with_an_arxiv_id_and_names_the_rest(db, alice):
    cards = _stored(db)
    entries, hopeless, with_id = _thousand_entries(cards)
    data = _bib(entries) + b"\n@article{broken, title = {no end\n"
    titles = [c.title for c in cards]
    ambiguous = {t for t in titles if titles.count(t) > 1 or len(t) < importing.SHORTEST_TITLE}
    by_title = sum(1 for e in entries if len(e.fields) == 1 and e["title"] not in ambiguous)
    report = importing.import_file(db, alice, "My Library.bib", data)
    assert report.collection.title == "Imported from My Library.bib"
    assert report.fetched == 0
    assert report.matched == with_id + by_title
    named = [u.entry for u in report.unmatched]
    assert set(hopeless) <= set(named) and "broken" in named
    assert len(named) == 1000 - with_id - by_title + 1
    assert report.unmatched[0].reason.startswith("no arXiv id; its DOI 10.1000/x8 is not arXiv's")
    held = [cards[n % len(cards)] for n in range(1000) if n % 10 != 8]
    held = {c.id for c in held if c.title not in ambiguous}  # of ambiguous ones: by id alone
    assert report.collection.item_count >= len(held)


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_a_collection_exported_by_alice_imports_into_carols_fresh_account(db, alice, carol, fmt):
    made = collections.create(db, alice, {"title": "Round trip"})
    picked = _stored(db)[:8]
    picked.append(catalog.card(db, corpora.HOSTILE_ID) or picked[0])
    for c in picked:
        collections.add(db, alice, made.id, c.arxiv_id)
    exported = exports.of_collection(db, made.id, alice, fmt)
    report = importing.import_file(db, carol, exported.filename, exported.text.encode())
    assert report.unmatched == [] and report.fetched == 0
    theirs = collections.shelf(db, report.collection.id, carol).cards
    assert [c.arxiv_id for c in theirs] == list(dict.fromkeys(c.arxiv_id for c in picked))


def test_it_reads_a_list_of_ids_and_urls_old_style_too_and_queues_what_it_lacks(
    db, alice, settings, arxiv_api_server, monkeypatch
):
    monkeypatch.setattr(fetching, "BATCH", 1)  # arXiv's recorded answers are of one id each
    stored = _stored(db, 1)[0].arxiv_id
    text = f"# my reading list\n{stored}\nhttps://arxiv.org/abs/astro-ph/0601001v1\n"
    text += "arXiv:1707.08567\nnot an id\n"
    report = importing.import_file(db, alice, "list.txt", text.encode())
    assert (report.matched, report.fetched) == (1, 2)
    assert [(u.entry, u.reason) for u in report.unmatched] == [
        ("not an id", "not an arXiv id or arXiv URL")
    ]
    arxiv = settings.model_copy(update={"arxiv_api_url": arxiv_api_server})
    assert [fetching.fetch_due(db, arxiv) for _ in range(3)] == [1, 1, 0]  # then nothing to do
    shelf = collections.shelf(db, report.collection.id, alice)
    assert sorted(c.arxiv_id for c in shelf.cards[1:]) == ["1707.08567", "astro-ph/0601001"]
    assert shelf.pending == []


def test_it_tells_csl_json_and_ris_by_content_not_by_name():
    csl = json.dumps([{"id": "k", "type": "article", "URL": "https://arxiv.org/abs/2104.12255"}])
    ris = "TY  - JOUR\nTI  - A title\nUR  - https://arxiv.org/abs/hep-th/9901001\nER  - \n"
    fmt, (entry,) = formats.read(csl.encode())
    assert fmt == "CSL-JSON" and (entry.name, entry.arxiv_id) == ("k", "2104.12255")
    fmt, (entry,) = formats.read(ris.encode())
    assert fmt == "RIS" and entry.arxiv_id == "hep-th/9901001" and entry.name == "A title"


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", formats.NotText),
        ("caf\xe9".encode("latin-1"), formats.NotText),
        (b"just some words\nand more", formats.UnknownFormat),
        (b"[not json", formats.UnknownFormat),
        (b"%" * (formats.MAX_BYTES + 1), formats.TooLarge),
    ],
)
def test_it_refuses_files_it_cannot_import(data, refusal):
    with pytest.raises(refusal):
        formats.read(data)


def test_it_keeps_an_upload_bomb_of_entries_out():
    bomb = b"@misc{a,}\n" * (formats.MAX_ENTRIES + 1001)
    with pytest.raises(formats.TooLarge):
        formats.read(bomb)


def test_it_reads_past_string_macro_abuse():
    macros = "".join(f"@string{{m{i} = m{i - 1} # m{i - 1}}}\n" for i in range(1, 2000))
    text = (
        f"@string{{m0 = {{x}}}}\n{macros}@misc{{abuse, title = m1999, eprint = {{2104.12255}}}}\n"
    )
    fmt, entries = formats.read(text.encode())
    assert fmt == "BibTeX" and [e.arxiv_id for e in entries] == ["2104.12255"]


def test_it_refuses_braces_nested_past_any_citation_before_parsing():
    nested = "{" * 50 + "x" + "}" * 50
    fine = f"@misc{{fine, title = {nested}, url = {{https://arxiv.org/abs/1605.08386}}}}\n"
    assert formats.read(fine.encode())[1][0].arxiv_id == "1605.08386"
    deep = "{" * 500_000 + "x" + "}" * 500_000
    with pytest.raises(formats.UnknownFormat):
        formats.read(f"@misc{{deep, title = {deep}}}\n".encode())


def test_it_refuses_a_ris_with_a_binary_body_and_reads_past_a_garbled_record():
    fine = "TY  - JOUR\nTI  - Fine\nUR  - https://arxiv.org/abs/1605.08386\nER  - \n"
    with pytest.raises(formats.NotText):
        formats.read(fine.encode() + b"TY  - JOUR\nAB  - \x00\x01\x89PNG\x00\nER  - \n")
    garbled = "TY  - JOUR\nTI  - x\x01 \ufffd\nJUNK LINE\nER  - \n" + fine
    fmt, entries = formats.read(garbled.encode())
    assert fmt == "RIS" and [e.arxiv_id for e in entries] == [None, "1605.08386"]
    assert entries[0].name == "x \ufffd JUNK LINE"


def test_an_import_needs_room_for_its_collection(db, alice, monkeypatch):
    monkeypatch.setattr(collections, "MAX_COLLECTIONS_PER_USER", 0)
    with pytest.raises(TooManyCollections):
        importing.import_file(db, alice, "a.txt", b"1605.08386\n")


def test_the_collection_is_named_after_the_file_alone():
    assert importing.collection_title("C:\\Users\\me\\lib.bib") == "Imported from lib.bib"
    assert importing.collection_title("../../x\x00y.ris") == "Imported from xy.ris"
    assert importing.collection_title(None) == "Imported from a file"
    assert len(importing.collection_title("n" * 500)) == collections.TITLE_LENGTH
