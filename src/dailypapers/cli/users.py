"""``dailypapers user``: the operator's account commands: list accounts, make an admin, disable
and enable an account."""

from __future__ import annotations

from datetime import datetime

import click
from rich.console import Console
from rich.table import Table

from dailypapers.accounts import administration
from dailypapers.accounts.records import User
from dailypapers.cli.context import Context, console, pass_context


@click.group("user")
def group() -> None:
    """Accounts: list them, make an admin, disable or enable one."""


def _day(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d}" if moment else ""


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


@group.command("list")
@pass_context
def list_users(ctx: Context) -> None:
    """Every local account, oldest first."""
    table = Table(title="accounts")
    for column in ("name", "email", "verified", "admin", "disabled", "created"):
        table.add_column(column)
    for user in administration.everyone(ctx.upgraded_db()):
        table.add_row(
            user.username,
            user.email or "",
            _yes(user.email_verified),
            _yes(user.is_admin),
            _day(user.disabled_at),
            _day(user.created_at),
        )
    Console(width=200).print(table)


def _change(ctx: Context, action, name: str, done: str) -> User:
    try:
        user = action(ctx.upgraded_db(), name)
    except administration.NoSuchUser as error:
        raise click.ClickException(str(error)) from None
    console.print(f"{user.username}: {done}")
    return user


@group.command("make-admin")
@click.argument("name")
@click.option("--undo", is_flag=True, help="Take the admin role away instead.")
@pass_context
def make_admin(ctx: Context, name: str, undo: bool) -> None:
    """Make the account NAME an admin (it may moderate comments and see the outbox)."""

    def change(db, username: str) -> User:
        return administration.make_admin(db, username, admin=not undo)

    _change(ctx, change, name, "no longer an admin" if undo else "admin")


@group.command("disable")
@click.argument("name")
@pass_context
def disable(ctx: Context, name: str) -> None:
    """Disable the account NAME: it cannot sign in, its sessions end, its tokens stop working."""
    _change(ctx, administration.disable, name, "disabled; its sessions ended")


@group.command("enable")
@click.argument("name")
@pass_context
def enable(ctx: Context, name: str) -> None:
    """Let the account NAME sign in again (and its tokens work again)."""
    _change(ctx, administration.enable, name, "enabled")
