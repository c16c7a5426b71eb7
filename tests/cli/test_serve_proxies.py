"""``dailypapers serve`` believes forwarded headers only from ``DAILYPAPERS_TRUSTED_PROXIES``:
through a real uvicorn server configured as serve configures it, a client rotating
``X-Forwarded-For`` is still counted by its own address."""

from __future__ import annotations

import httpx
import pytest

from dailypapers.accounts import throttle
from dailypapers.cli import serve
from dailypapers.web.app import create_app
from tests.support import browser, web

LIMITS = throttle.SignInLimits(per_login=100, per_address=3)


def _guesses(base_url: str, count: int) -> list[int]:
    """The status of ``count`` wrong sign-ins, each claiming another forwarded address."""
    with httpx.Client(base_url=base_url) as client:
        token = web.csrf_token_of(client.get("/signin").text)
        return [
            client.post(
                "/signin",
                data={"csrf_token": token, "login": f"someone{n}", "password": "guess"},
                headers={"X-Forwarded-For": f"203.0.113.{n}", "X-Forwarded-Proto": "https"},
            ).status_code
            for n in range(count)
        ]


def test_it_trusts_no_forwarded_header_by_default(settings):
    assert serve.proxy_options(settings) == {"proxy_headers": False, "forwarded_allow_ips": None}
    trusted = settings.model_copy(update={"trusted_proxies": ["10.0.0.0/8", "127.0.0.1"]})
    assert serve.proxy_options(trusted) == {
        "proxy_headers": True,
        "forwarded_allow_ips": ["10.0.0.0/8", "127.0.0.1"],
    }


def test_it_ignores_forwarded_for_from_an_untrusted_peer(db, settings, monkeypatch):
    monkeypatch.setattr(throttle, "DEFAULT", LIMITS)
    app = create_app(settings, db)
    with browser.serve(app, **serve.proxy_options(settings)) as base_url:
        assert _guesses(base_url, 4) == [400, 400, 400, 429]


def test_it_believes_forwarded_for_from_a_trusted_proxy(db, settings, monkeypatch):
    monkeypatch.setattr(throttle, "DEFAULT", LIMITS)
    trusted = settings.model_copy(update={"trusted_proxies": ["127.0.0.1"]})
    app = create_app(trusted, db)
    with browser.serve(app, **serve.proxy_options(trusted)) as base_url:
        assert _guesses(base_url, 4) == [400, 400, 400, 400]


@pytest.mark.parametrize("value", ["127.0.0.1", "127.0.0.0/8, ::1"])
def test_it_reads_the_trusted_proxies_as_a_comma_list(monkeypatch, value):
    from dailypapers import config

    monkeypatch.setenv("DAILYPAPERS_TRUSTED_PROXIES", value)
    assert config.load().trusted_proxies == [part.strip() for part in value.split(",")]
