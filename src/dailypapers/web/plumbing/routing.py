"""Path parameters shaped like arXiv ids, for routes under ``/papers/``.

Matching the shape in the route (rather than ``{id:path}``) keeps ``/papers/...`` free for
other routes (feeds, API-like paths) and sends everything else to the plain 404 page. Routes
write their path with :data:`ARXIV_ID`, which also makes sure the convertor is registered first.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class ArxivIdConvertor(Convertor):
    """Path segment(s) shaped like an arXiv id: ``2406.12345[vN]`` or ``hep-th/9901001[vN]``."""

    regex = r"(?:\d{4}\.\d{4,5}|[A-Za-z][A-Za-z-]*(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("arxiv_id", ArxivIdConvertor())
ARXIV_ID = "{arxiv_id:arxiv_id}"
