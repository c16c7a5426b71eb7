"""What a feed's definition may be: every bad field refused with its name, the rest tidied."""

from __future__ import annotations

import pytest

from dailypapers.feeds import definitions
from dailypapers.feeds.records import InvalidFeed


def test_it_tidies_a_definition_into_arxivs_spelling():
    name, definition, private = definitions.checked(
        {
            "name": "  Language   models ",
            "categories": ["cs.cl", "CS.CL", "cs"],
            "exclude_categories": ["cs.cy"],
            "authors": ["Ceyuan Yang", "ceyuan  yang", "Yang, Ceyuan"],
            "query": " llm -survey ",
            "min_upvotes": 3,
            "private": True,
        }
    )
    assert name == "Language models" and private is True
    assert definition.categories == ("cs.CL", "cs")
    assert definition.exclude_categories == ("cs.CY",)
    assert definition.authors == ("Ceyuan Yang",)
    assert definition.query == "llm -survey" and definition.min_upvotes == 3


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"categories": ["cs.CL"]}, "name"),
        ({"name": "", "categories": ["cs.CL"]}, "name"),
        ({"name": "x" * 101, "categories": ["cs.CL"]}, "name"),
        ({"name": "a\x00b", "categories": ["cs.CL"]}, "name"),
        ({"name": "n", "categories": "cs.CL"}, "categories"),
        ({"name": "n", "categories": ["cs.XX"]}, "categories"),
        ({"name": "n", "categories": ["'; drop table feeds; --"]}, "categories"),
        ({"name": "n", "categories": [f"cs.{i}" for i in range(21)]}, "categories"),
        ({"name": "n", "categories": ["cs.CL"], "exclude_categories": ["cs.cl"]},
         "exclude_categories"),
        ({"name": "n", "authors": ["   "]}, "authors"),
        ({"name": "n", "authors": [3]}, "authors"),
        ({"name": "n", "query": 5}, "query"),
        ({"name": "n", "query": "x" * 2001}, "query"),
        ({"name": "n", "like": "x" * 2001}, "like"),
        ({"name": "n", "min_upvotes": -1}, "min_upvotes"),
        ({"name": "n", "min_upvotes": True}, "min_upvotes"),
        ({"name": "n", "min_upvotes": 10**12}, "min_upvotes"),
        ({"name": "n", "query": "x", "private": "yes"}, "private"),
        ({"name": "n", "query": "x", "has_code": 1}, "has_code"),
        ({"name": "n", "has_code": False}, None),
        ({"name": "n", "query": "x", "owner": 1}, "owner"),
        ({"name": "n"}, None),
        ({"name": "n", "exclude_categories": ["cs.CY"]}, None),
    ],
)  # fmt: skip
def test_it_names_the_field_at_fault(raw, field):
    with pytest.raises(InvalidFeed) as refused:
        definitions.checked(raw)
    assert refused.value.field == field and refused.value.message


def test_has_code_alone_is_a_feed_and_defaults_to_false():
    assert definitions.checked({"name": "n", "has_code": True})[1].has_code is True
    assert definitions.checked({"name": "n", "query": "x"})[1].has_code is False
