"""Search highlights in templates: marks kept out of LaTeX, previews that start near a match."""

from __future__ import annotations

from dailypapers.search.highlight import Highlighter
from dailypapers.web.plumbing import highlighting


def test_marks_stay_out_of_latex_and_previews_start_near_the_first_match():
    title = Highlighter([("alpha", False), ("attention", False)]).segments(
        "Attention with $\\alpha$-entmax"
    )
    html = highlighting.marked(title)
    assert html == "<mark>Attention</mark> with $\\alpha$-entmax"
    abstract = "Words " * 60 + "the needle is here. " + "More words " * 40
    preview = highlighting.excerpt(Highlighter([("needle", False)]).segments(abstract))
    text = "".join(piece for piece, _ in preview)
    assert text.startswith("…") and text.endswith("…") and ("needle", True) in preview
    assert len(text) <= highlighting.PREVIEW_LIMIT + 2
