"""The real ``dailypapers`` command in a child process, with test tuning applied first.

``python -m tests.support.cli dailypapers.digest.worker.LEASE=3 -- digest run --loop`` sets the
constant, then runs the command as the console script would. Tests that kill or stop real
processes (the crash test, ``--loop``) use :func:`argv` to build such a command line.
"""

from __future__ import annotations

import ast
import importlib
import os
import sys

# What every child process gets: the ``quick`` fixture's values for the constants that matter
# across a process boundary.
QUICK = {
    "dailypapers.ingest.arxiv_api.REQUEST_SPACING": 0.0,
    "dailypapers.ingest.http.RETRIES": 0,
    "dailypapers.ingest.http.BACKOFF": 0.01,
}


def env_of(settings, *, mail: bool = False) -> dict[str, str]:
    """The environment that makes a command use ``settings``' store, folder, key and base URL
    (and, with ``mail``, its SMTP server), harvesting nothing."""
    env = {
        "DAILYPAPERS_DATABASE_URL": settings.resolved_database_url,
        "DAILYPAPERS_DATA_DIR": str(settings.data_dir),
        "DAILYPAPERS_SECRET_KEY": settings.secret_key,
        "DAILYPAPERS_BASE_URL": settings.base_url,
        "DAILYPAPERS_HARVEST_SOURCES": "",
    }
    if mail:
        env["DAILYPAPERS_SMTP_HOST"] = settings.smtp_host
        env["DAILYPAPERS_SMTP_PORT"] = str(settings.smtp_port)
    return env


def argv(*command: str, **tuning: object) -> list[str]:
    """The command line running ``dailypapers *command`` with QUICK and ``tuning`` applied
    (keys are dotted names with ``__`` for dots: ``dailypapers__digest__worker__LEASE=3``)."""
    chosen = {**QUICK, **{key.replace("__", "."): value for key, value in tuning.items()}}
    return [
        sys.executable,
        "-m",
        "tests.support.cli",
        *(f"{name}={value!r}" for name, value in chosen.items()),
        "--",
        *command,
    ]


def main(arguments: list[str]) -> None:
    split = arguments.index("--")
    for assignment in arguments[:split]:
        name, value = assignment.split("=", 1)
        module, attribute = name.rsplit(".", 1)
        setattr(importlib.import_module(module), attribute, ast.literal_eval(value))
    from dailypapers.cli import main as dailypapers

    dailypapers(arguments[split + 1 :], prog_name="dailypapers")


def run_child(env: dict[str, str], arguments: list[str], log: str) -> None:
    """A worker process's life: the environment a service manager gives it, then the command
    (what ``python -m tests.support.cli`` does with the same arguments), its output to ``log``."""
    os.environ.clear()
    os.environ.update(env)
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(out, 1)
    os.dup2(out, 2)
    main(arguments)


if __name__ == "__main__":
    main(sys.argv[1:])
