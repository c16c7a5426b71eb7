"""The arXiv taxonomy: real ids get arXiv's names, any case; ids arXiv does not list are still
categories named by themselves; text no id can be is refused with a message."""

from __future__ import annotations

import pytest

from dailypapers.categories import taxonomy


@pytest.mark.parametrize(
    ("asked", "category_id", "name", "archive_name"),
    [
        ("cs.CL", "cs.CL", "Computation and Language", "Computer Science"),
        ("cs.ro", "cs.RO", "Robotics", "Computer Science"),
        ("STAT.ML", "stat.ML", "Machine Learning", "Statistics"),
        ("math.OC", "math.OC", "Optimization and Control", "Mathematics"),
        ("hep-th", "hep-th", "High Energy Physics - Theory", "High Energy Physics - Theory"),
        ("quant-ph", "quant-ph", "Quantum Physics", "Quantum Physics"),
        (
            "cond-mat.mes-hall",
            "cond-mat.mes-hall",
            "Mesoscale and Nanoscale Physics",
            "Condensed Matter",
        ),
        ("eess.SP", "eess.SP", "Signal Processing", "Electrical Engineering and Systems Science"),
        ("q-bio.NC", "q-bio.NC", "Neurons and Cognition", "Quantitative Biology"),
        ("q-fin.ST", "q-fin.ST", "Statistical Finance", "Quantitative Finance"),
        ("econ.EM", "econ.EM", "Econometrics", "Economics"),
    ],
)
def test_real_ids_get_arxivs_names_in_any_case(asked, category_id, name, archive_name):
    category = taxonomy.lookup(asked)
    assert (category.id, category.name, category.archive_name) == (category_id, name, archive_name)
    assert category.known


def test_the_table_holds_every_archive_of_arxiv():
    archives = {category.archive for category in taxonomy.CATEGORIES.values()}
    assert {"cs", "math", "physics", "astro-ph", "cond-mat", "nlin", "gr-qc", "nucl-th"} <= archives
    assert len(taxonomy.CATEGORIES) > 150


def test_an_id_arxiv_does_not_list_is_named_by_itself():
    category = taxonomy.lookup("cs.XY")
    assert (category.id, category.name, category.archive_name, category.known) == (
        "cs.XY",
        "cs.XY",
        "Computer Science",
        False,
    )


@pytest.mark.parametrize(
    "text",
    ["", "cs.", "../etc", "cs.CL\x00", "<b>cs</b>", "cs.CL.x", "x" * 100_000, "cs_CL", "1cs"],
)
def test_it_refuses_text_no_category_id_can_be(text):
    with pytest.raises(taxonomy.InvalidCategory, match="category id"):
        taxonomy.lookup(text)
