"""``dailypapers user``: list accounts, make an admin, disable and enable one. A disabled
account cannot sign in, and its sessions and API and feed tokens stop working."""

from __future__ import annotations

from click.testing import CliRunner

from dailypapers.accounts import registration
from dailypapers.cli import main
from tests.support import cli, data, web


def _user(settings, *arguments: str):
    return CliRunner().invoke(main, ["user", *arguments], env=cli.env_of(settings))


def test_it_makes_an_admin_by_name(db, settings, alice):
    result = _user(settings, "make-admin", "ALICE")
    assert result.exit_code == 0, result.output
    assert "alice: admin" in result.output
    assert registration.find(db, "alice").is_admin
    assert _user(settings, "make-admin", "alice", "--undo").exit_code == 0
    assert not registration.find(db, "alice").is_admin


def test_it_names_an_account_that_does_not_exist(db, settings):
    result = _user(settings, "make-admin", "nobody")
    assert result.exit_code == 1 and "There is no account called “nobody”" in result.output


def test_it_lists_accounts_with_their_state(db, settings, alice, bob):
    data.person(db, "dave", verified=False)
    data.admin(db, alice)
    _user(settings, "disable", "bob")
    result = _user(settings, "list")
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if "@" in line}
    assert list(lines) == ["alice", "bob", "dave"]
    header = next(line for line in result.output.splitlines() if "verified" in line)
    for column in ("name", "email", "verified", "admin", "disabled", "created"):
        assert column in header
    cells = {name: [c.strip() for c in line.split("│")[1:-1]] for name, line in lines.items()}
    assert cells["alice"][:4] == ["alice", "alice@example.org", "yes", "yes"]
    assert cells["bob"][2:4] == ["yes", ""] and cells["bob"][4]  # disabled on a day
    assert cells["dave"][2] == ""  # unverified


def test_it_disables_an_account_so_its_sessions_and_tokens_stop_working(
    db, settings, app, client, alice, as_user
):
    signed_in = as_user(alice)
    api_token, feed_token = data.api_token(db, alice), data.api_token(db, alice, "feed")
    feed = f"/feeds/for-you/{feed_token}.atom"
    assert client.get("/api/tokens", headers=data.bearer(api_token)).status_code == 200
    assert client.get(feed).status_code == 200

    assert _user(settings, "disable", "alice").exit_code == 0
    assert "Sign out" not in signed_in.get("/papers").text
    assert client.get("/api/tokens", headers=data.bearer(api_token)).status_code == 401
    assert client.get(feed).status_code == 404
    fields = {"login": "alice", "password": data.PASSWORD}
    assert web.submit_form(client, "/signin", fields).status_code == 403

    assert _user(settings, "enable", "alice").exit_code == 0
    assert client.get("/api/tokens", headers=data.bearer(api_token)).status_code == 200
    assert "Sign out" not in signed_in.get("/papers").text  # its sessions stay ended
    web.sign_in(client, alice)
