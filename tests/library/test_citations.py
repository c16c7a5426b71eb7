"""Exports read back by independent parsers: BibTeX by bibtexparser, RIS by rispy, CSL-JSON
against the CSL data schema; arXiv's conventions and the citation keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import bibtexparser
import jsonschema_rs
import pytest
import rispy

from dailypapers.library import citations
from dailypapers.papers.records import Card

SCHEMA = jsonschema_rs.validator_for(
    json.loads((Path(__file__).parent / "csl_data_schema.json").read_text())
)
WHEN = datetime(2017, 6, 12, 17, 57, tzinfo=UTC)


def card(arxiv_id="1706.03762", title="Attention Is All You Need", authors=None, **more) -> Card:
    return Card(
        id=1,
        arxiv_id=arxiv_id,
        title=title,
        abstract="The dominant sequence\ntransduction models...",
        authors=authors or ["Ashish Vaswani", "Noam Shazeer", "Ludwig van Beethoven"],
        categories=["cs.CL", "cs.LG"],
        primary_category="cs.CL",
        created_at=WHEN,
        modified_at=WHEN,
        published_at=WHEN,
        **more,
    )


def test_bibtex_follows_arxivs_conventions_and_parses_back():
    papers = [card(), card(arxiv_id="hep-th/9901001", title="On {unbalanced braces")]
    library = bibtexparser.parse_string(citations.bibtex(papers))
    assert not library.failed_blocks
    first, second = library.entries
    assert first.entry_type == "misc" and first.key == "vaswani2017attention"
    fields = {f.key: f.value for f in first.fields}
    assert fields["author"] == "Vaswani, Ashish and Shazeer, Noam and van Beethoven, Ludwig"
    assert fields["eprint"] == "1706.03762" and fields["archivePrefix"] == "arXiv"
    assert fields["primaryClass"] == "cs.CL" and fields["doi"] == "10.48550/arXiv.1706.03762"
    assert fields["url"] == "https://arxiv.org/abs/1706.03762"
    assert (fields["year"], fields["month"]) == ("2017", "jun")
    assert second.key == "vaswani2017unbalanced" and second["title"] == "On unbalanced braces"


def test_citation_keys_are_unique_with_letter_suffixes():
    same = [card(), card(), card(), card(title="The Annotated Transformer")]
    assert citations.citation_keys(same) == [
        "vaswani2017attention",
        "vaswani2017attentiona",
        "vaswani2017attentionb",
        "vaswani2017annotated",
    ]
    assert citations.citation_keys([card(authors=["Ça Müller"], title="Über $\\alpha$")]) == [
        "muller2017uber"
    ]


def test_ris_parses_back_with_rispy():
    (reference,) = rispy.loads(citations.ris([card()]))
    assert reference["type_of_reference"] == "UNPB" and reference["id"] == "vaswani2017attention"
    assert reference["authors"][0] == "Vaswani, Ashish"
    assert reference["doi"] == "10.48550/arXiv.1706.03762"
    assert reference["urls"] == ["https://arxiv.org/abs/1706.03762"]
    assert reference["abstract"] == "The dominant sequence transduction models..."
    assert reference["year"] == "2017"


def test_csl_json_is_valid_against_the_csl_schema():
    items = json.loads(citations.csl_json([card(), card(authors=["Plato"])]))
    SCHEMA.validate(items)
    assert items[0]["author"][0] == {"family": "Vaswani", "given": "Ashish"}
    assert items[1]["author"] == [{"literal": "Plato"}]
    assert items[0]["issued"] == {"date-parts": [[2017, 6, 12]]}
    with pytest.raises(jsonschema_rs.ValidationError):  # the schema does refuse what is wrong
        SCHEMA.validate([{**items[0], "doi": "lowercase is no CSL variable"}])


@pytest.mark.parametrize(
    ("name", "split"),
    [
        ("Ashish Vaswani", ("Vaswani", "Ashish")),
        ("Quoc V. Le", ("Le", "Quoc V.")),
        ("Le, Quoc V.", ("Le", "Quoc V.")),
        ("Jean-Pierre de la Fontaine", ("de la Fontaine", "Jean-Pierre")),
        ("Martin Luther King Jr.", ("King Jr.", "Martin Luther")),
        ("Plato", ("Plato", "")),
    ],
)
def test_it_splits_names_into_family_and_given(name, split):
    assert citations.split_name(name) == split
