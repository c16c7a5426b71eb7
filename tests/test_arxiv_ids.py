import pytest

from dailypapers import arxiv_ids
from dailypapers.arxiv_ids import ArxivId, InvalidArxivId


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2401.01234", ArxivId("2401.01234")),
        ("2401.01234v3", ArxivId("2401.01234", 3)),
        ("1412.8544", ArxivId("1412.8544")),
        ("arXiv:2401.01234", ArxivId("2401.01234")),
        ("  2401.01234v2 ", ArxivId("2401.01234", 2)),
        ("hep-th/9901001", ArxivId("hep-th/9901001")),
        ("astro-ph/0601001v2", ArxivId("astro-ph/0601001", 2)),
        ("math.AG/0601001", ArxivId("math/0601001")),
        ("https://arxiv.org/abs/2401.01234v2", ArxivId("2401.01234", 2)),
        ("https://arxiv.org/pdf/2401.01234v2.pdf", ArxivId("2401.01234", 2)),
        ("http://export.arxiv.org/abs/hep-th/9901001", ArxivId("hep-th/9901001")),
        ("arxiv.org/abs/quant-ph/0201082v1", ArxivId("quant-ph/0201082", 1)),
        ("https://huggingface.co/papers/2602.23229", ArxivId("2602.23229")),
        ("https://arxiv.org/abs/2401.01234?context=cs", ArxivId("2401.01234")),
    ],
)
def test_it_normalises_every_id_form(text, expected):
    assert arxiv_ids.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "2401.1234",
        "2413.01234",
        "1001.12345",
        "2401.01234v0",
        "foo/9901001",
        "hep-th/99010011",
        "2401.01234; DROP TABLE papers",
        "x" * 200,
        "https://example.com/",
    ],
)
def test_it_rejects_a_malformed_arxiv_id(text):
    with pytest.raises(InvalidArxivId, match="not an arXiv id"):
        arxiv_ids.parse(text)


def test_it_prints_an_id_with_its_version():
    assert str(arxiv_ids.parse("2401.01234v3")) == "2401.01234v3"
    assert str(arxiv_ids.parse("hep-th/9901001")) == "hep-th/9901001"
