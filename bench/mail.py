"""Mail benchmark: how long a reader waits for the confirmation mail after pressing Subscribe.

``python -m bench mail [-- --clicks N --gap S --workers W --postgresql URL]``

Serves a throwaway store with the real ``dailypapers serve`` (its own process, the digest and
mail jobs on, ``--workers W``), and an aiosmtpd sink in this process that notes when each mail
arrives. Then N subscribe clicks, one at a time, ``--gap`` seconds apart: each is a POST of the
footer's form, timed from the request until its confirmation mail is at the SMTP server.
Prints p50 / p95 / max of the page's answer and of click-to-SMTP. Clicks come from several
loopback addresses (127.0.0.2, .3, ...), ten from each, so the per-network subscribe limit of
``digest/subscriptions.py`` counts them as the different readers they stand for.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench._backends import add_postgresql_option, on_each_backend, report
from bench.digest import _free_port, empty_store

# How long one click may wait for its mail before the run counts it as lost.
ARRIVAL_TIMEOUT = 30.0
CLICKS_PER_ADDRESS = 10  # within the subscribe quota of one network


class _Arrivals:
    """The sink's handler: the moment (time.monotonic) each recipient's mail arrived."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.changed:
            for recipient in envelope.rcpt_tos:
                self.at.setdefault(recipient, time.monotonic())
            self.changed.notify_all()
        return "250 OK"

    def wait_for(self, recipient: str, timeout: float) -> float | None:
        with self.changed:
            self.changed.wait_for(lambda: recipient in self.at, timeout)
            return self.at.get(recipient)


def _serve(url: str, folder: Path, smtp_port: int, workers: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAILYPAPERS_")}
    env.update(
        DAILYPAPERS_DATABASE_URL=url,
        DAILYPAPERS_DATA_DIR=str(folder),
        DAILYPAPERS_SECRET_KEY="bench",
        DAILYPAPERS_BASE_URL="https://papers.example.org",
        DAILYPAPERS_MAIL_FROM="digest@papers.example.org",
        DAILYPAPERS_SMTP_HOST="127.0.0.1",
        DAILYPAPERS_SMTP_PORT=str(smtp_port),
        DAILYPAPERS_JOBS="digest",
        DAILYPAPERS_HARVEST_SOURCES="",
        DAILYPAPERS_LOG_LEVEL="WARNING",
    )
    command = [str(Path(sys.executable).parent / "dailypapers"), "serve", "--port", str(port)]
    server = subprocess.Popen([*command, "--workers", str(workers)], env=env)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base_url}/subscribe", timeout=2).status_code == 200:
                return server, base_url
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.terminate()
            raise RuntimeError("dailypapers serve did not start")
        time.sleep(0.1)


def _click(base_url: str, n: int, arrivals: _Arrivals) -> tuple[float, float | None]:
    """One subscribe click from its reader's address: (answer seconds, click-to-SMTP seconds)."""
    source = f"127.0.0.{2 + n // CLICKS_PER_ADDRESS}"
    address = f"reader{n}@example.org"
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source)) as client:
        clicked = time.monotonic()
        answer = client.post(f"{base_url}/subscribe", data={"email": address})
        answered = time.monotonic()
    assert answer.status_code == 200, answer.text[:300]
    arrived = arrivals.wait_for(address, ARRIVAL_TIMEOUT)
    return answered - clicked, None if arrived is None else arrived - clicked


def run(clicks: int, gap: float, workers: int, postgresql: str | None) -> dict:
    from aiosmtpd.controller import Controller

    folder = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    url = postgresql or f"sqlite:///{folder / 'bench.sqlite3'}"
    empty_store(url, emptied=bool(postgresql)).dispose()
    arrivals = _Arrivals()
    sink = Controller(arrivals, hostname="127.0.0.1", port=_free_port())
    sink.start()
    server, base_url = _serve(url, folder, sink.port, workers)
    try:
        time.sleep(1.0)  # the jobs' first steps are over: each click meets a waiting mail job
        timings = []
        for n in range(clicks):
            timings.append(_click(base_url, n, arrivals))
            time.sleep(gap)
    finally:
        server.terminate()
        server.wait(60)
        sink.stop()
    answers = sorted(t[0] for t in timings)
    delivered = sorted(t[1] for t in timings if t[1] is not None)
    return {
        "backend": "postgresql" if postgresql else "sqlite",
        "workers": workers,
        "clicks": clicks,
        "lost": clicks - len(delivered),
        "answer_ms": _percentiles(answers),
        "click_to_smtp_ms": _percentiles(delivered),
    }


def _percentiles(seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {}
    cuts = statistics.quantiles(seconds, n=20, method="inclusive") if len(seconds) > 1 else seconds
    return {
        "p50": statistics.median(seconds) * 1000,
        "p95": cuts[-1] * 1000,
        "max": seconds[-1] * 1000,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench mail")
    parser.add_argument("--clicks", type=int, default=100)
    parser.add_argument("--gap", type=float, default=0.2, help="seconds between two clicks")
    parser.add_argument("--workers", type=int, default=1)
    add_postgresql_option(parser)
    args = parser.parse_args(argv)
    results = on_each_backend(
        lambda url: run(args.clicks, args.gap, args.workers, url), args.postgresql
    )
    columns = ("backend", "workers", "clicks", "lost", "answer p50/p95 ms",
               "to SMTP p50/p95/max ms")  # fmt: skip
    rows = []
    for r in results:
        answer, smtp = r["answer_ms"], r["click_to_smtp_ms"]
        rows.append(
            (
                r["backend"],
                str(r["workers"]),
                str(r["clicks"]),
                str(r["lost"]),
                f"{answer['p50']:.0f} / {answer['p95']:.0f}",
                f"{smtp['p50']:.0f} / {smtp['p95']:.0f} / {smtp['max']:.0f}" if smtp else "-",
            )
        )
    title = "subscribe click -> confirmation mail at the SMTP server (goal: < 5 s)"
    report("mail", title, columns, rows, results)
