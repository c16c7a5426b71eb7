"""Path parameters shaped like arXiv ids, for routes under ``/papers/``.

Matching the shape in the route (rather than ``{id:path}``) keeps ``/papers/...`` free for
other routes (feeds, API-like paths) and sends everything else to the plain 404 page. Routes
write their path with :data:`ARXIV_ID`, which also makes sure the convertor is registered first.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class ArxivIdConvertor(Convertor):
    """Path segment(s) shaped like an arXiv id: ``2406.12345[vN]`` or ``hep-th/9901001[vN]``."""

    # [0-9], not \d: \d also matches "٢" and "²", which are no arXiv id's digits.
    regex = r"(?:[0-9]{4}\.[0-9]{4,5}|[A-Za-z][A-Za-z-]*(?:\.[A-Za-z]{2})?/[0-9]{7})(?:v[0-9]+)?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("arxiv_id", ArxivIdConvertor())
ARXIV_ID = "{arxiv_id:arxiv_id}"
