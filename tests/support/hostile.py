"""What the route walker (tests/web/test_form_fuzz.py) sends: hostile values for a field, the
subsets each case needs, hostile headers, and whole bodies no form would send."""

from __future__ import annotations

# Values whose storage differs between the backends: numbers past their ranges, NULs, long
# text, dates at the calendar's edges. These are sent on PostgreSQL too.
STORED = {
    "empty": "",
    "100k characters": "x" * 100_000,
    "NUL bytes": "a\x00b\x00",
    "RTL, emoji, combining": "\u202egnp.exe\u202c \U0001f9ea e\u0301 \ufdfd",
    "2**63": "9223372036854775808",
    "-2**63 - 1": "-9223372036854775809",
    "1e20": "1e20",
    "5,000 digits": "9" * 5000,  # int() reads at most 4,300
    "first day": "0001-01-01",
    "last day": "9999-12-31",
    "last moment": "9999-12-31T23:59:59-23:59",
    "no such day": "2025-02-30",
}
# What only the web layer reads (the shape of a text) fares the same on both backends: sent on
# SQLite, where each request costs less.
SHAPED = {
    "blank": "   ",
    "-1": "-1",
    "0": "0",
    "NaN": "NaN",
    "digits that are not ASCII": "\u0661\u00b2",  # str.isdigit() says yes, int() says no
    "last week": "9999-W53",
    "markup": '"><script>alert(1)</script>',
    "a path": "/../../etc/passwd",
}
HOSTILE = {**STORED, **SHAPED}
# The CSRF token is checked before anything else reads the form: these few values are enough.
CSRF_VALUES = ("empty", "100k characters", "NUL bytes", "RTL, emoji, combining")
# Sent with htmx's headers too: a route may answer htmx with a fragment of its own.
HTMX_VALUES = ("100k characters", "NUL bytes")
# Headers anyone can send, tried on each target as it is (Latin-1, as HTTP carries them).
HEADERS = {
    "a Referer that is no URL": {"Referer": "http://["},
    "an HX-Current-URL that is no URL": {"HX-Request": "true", "HX-Current-URL": "http://[::1"},
    "a session cookie of garbage": {"Cookie": "dailypapers_session=\xff\xfe%%%"},
    "a bearer token of Latin-1": {"Authorization": "Bearer dp_\xff\xfe"},
}
MANY_FIELDS = 1001  # one more than Starlette parses in a form
FILE = ("x.bin", b"\xff\x00 not text", "application/octet-stream")
NOT_UTF8 = b"\xff\xfe=\xc3\x28&next=%FF%C0%AF"
