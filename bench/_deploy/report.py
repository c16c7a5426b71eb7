"""The deploy bench's numbers: per phase (steady, worker killed, database restart, after) and
the checks on acknowledged writes, 5xx, the outage's answers, recovery and the log."""

from __future__ import annotations

import statistics

from rich.console import Console
from rich.table import Table

# After a worker is killed, requests that started this long after it are counted as its (the
# in-flight ones drop and the supervisor starts another in about a second).
KILL_WINDOW = 3.0
# The site must answer again within this of the database (the goal).
RECOVERY_GOAL = 5.0


def _overlaps(outcome, start: float, end: float) -> bool:
    return outcome.start < end and outcome.end > start


def _percentiles(latencies: list[float]) -> tuple[float, float, float]:
    if len(latencies) < 2:
        only = latencies[0] if latencies else 0.0
        return only, only, only
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def phase(outcomes: list, name: str, start: float, end: float) -> dict:
    """The requests that were under way at some moment of [start, end)."""
    found = [o for o in outcomes if _overlaps(o, start, end)]
    latencies = [(o.end - o.start) * 1000 for o in found if o.status > 0]
    p50, p95, p99 = _percentiles(latencies)
    return {
        "phase": name,
        "seconds": end - start,
        "requests": len(found),
        "req_per_s": len(found) / max(end - start, 1e-9),
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "2xx": sum(200 <= o.status < 300 for o in found),
        "4xx": sum(400 <= o.status < 500 for o in found),
        "503_retry_after": sum(o.status == 503 and o.retry_after for o in found),
        "other_5xx": sum(
            o.status >= 500 and not (o.status == 503 and o.retry_after) for o in found
        ),
        "no_answer": sum(o.status < 0 for o in found),
    }


def summarise(load, faults: dict[str, float], stored: dict, log: str, args) -> dict:
    outcomes, end = load.outcomes, max(o.end for o in load.outcomes)
    killed, stopping, ready = (
        faults["worker_killed"],
        faults["database_stopping"],
        faults["database_ready"],
    )
    outage = (stopping, ready + RECOVERY_GOAL)
    kill = (killed, killed + KILL_WINDOW)
    phases = [
        phase([o for o in outcomes if o.end < killed], "steady", 0.0, killed),
        phase(outcomes, "worker killed", killed, killed + KILL_WINDOW),
        phase(outcomes, "database restart", stopping, outage[1]),
        phase(outcomes, "after", outage[1], end),
        phase(outcomes, "whole run", 0.0, end),
    ]
    down = [o for o in outcomes if _overlaps(o, stopping, ready)]
    failed_after = [o.end for o in outcomes if o.start >= stopping and (o.status in (503, -1))]
    checks = {
        "votes acknowledged": len(load.acknowledged_votes),
        "votes acknowledged, stored once": sum(
            stored["votes"].get(v) == 1 for v in load.acknowledged_votes
        ),
        "votes stored twice": sum(n > 1 for n in stored["votes"].values()),
        "comments acknowledged": len(load.acknowledged_comments),
        "comments acknowledged, stored once": sum(
            stored["comments"].get(c) == 1 for c in load.acknowledged_comments
        ),
        "comments stored twice": sum(n > 1 for n in stored["comments"].values()),
        "5xx away from the outage": sum(
            o.status >= 500 and not _overlaps(o, *outage) for o in outcomes
        ),
        "no answer away from a fault": sum(
            o.status < 0 and not (_overlaps(o, *outage) or _overlaps(o, *kill)) for o in outcomes
        ),
        "requests while the database was down": len(down),
        "  of them 503 with Retry-After": sum(o.status == 503 and o.retry_after for o in down),
        "  of them other 5xx": sum(o.status >= 500 and not o.retry_after for o in down),
        "  of them no answer": sum(o.status < 0 for o in down),
        "new worker process after (s)": round(faults["worker_replaced"] - killed, 2),
        "database down (s)": round(ready - faults["database_stopped"], 2),
        "site answering again after the database (s)": round(
            max([ready, *failed_after]) - ready, 2
        ),
        "log: 'database unreachable' lines": log.count("database unreachable"),
        "log: 'database reachable again' lines": log.count("database reachable again"),
        "log: tracebacks": log.count("Traceback"),
    }
    return {
        "connections": args.connections,
        "workers": args.workers,
        "seconds": args.seconds,
        "faults": faults,
        "phases": phases,
        "checks": checks,
    }


def show(console: Console, results: dict) -> None:
    table = Table(
        title=f"dailypapers serve --workers {results['workers']} on PostgreSQL, "
        f"{results['connections']} connections of mixed traffic, {results['seconds']:.0f} s"
    )
    columns = ["phase", "seconds", "requests", "req_per_s", "p50_ms", "p95_ms", "p99_ms"]
    columns += ["2xx", "4xx", "503_retry_after", "other_5xx", "no_answer"]
    for column in columns:
        table.add_column(column.replace("_", " "), justify="left" if column == "phase" else "right")
    for row in results["phases"]:
        table.add_row(
            *(f"{row[c]:.1f}" if isinstance(row[c], float) else str(row[c]) for c in columns)
        )
    console.print(table)
    checks = Table(title="checks")
    checks.add_column("check")
    checks.add_column("value", justify="right")
    for name, value in results["checks"].items():
        checks.add_row(name, str(value))
    console.print(checks)
