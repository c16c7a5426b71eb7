"""Run benchmarks and print their tables: ``python -m bench [NAME ...] [-- ARGS]``.

Each ``bench/<name>.py`` module has ``main(argv: list[str]) -> None`` that prints a table (rich)
and may write JSON to ``bench/results/<name>.json``. Without names, every module runs in turn.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def run(argv: list[str]) -> None:
    names, extra = argv, []
    if "--" in argv:
        split = argv.index("--")
        names, extra = argv[:split], argv[split + 1 :]
    unknown = [n for n in names if n not in available()]
    if unknown:
        sys.exit(f"unknown benchmark(s) {unknown}; available: {available()}")
    for name in names or available():
        print(f"\n== bench {name} ==", flush=True)
        importlib.import_module(f"bench.{name}").main(extra)


if __name__ == "__main__":
    run(sys.argv[1:])
