"""The house's rules, checked: layers and imports (import-linter's contracts in pyproject.toml),
modules of one idea (400 lines at most), functions under 60 lines, no grab-bag modules, every
``# noqa`` with its reason."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from importlinter import configuration
from importlinter.application import use_cases

ROOT = Path(__file__).resolve().parents[1]
CODE = [ROOT / "src" / "dailypapers", ROOT / "tests", ROOT / "bench"]
MODULE_LINES = 400
FUNCTION_LINES = 60
GRAB_BAGS = {"utils.py", "helpers.py", "misc.py", "common.py"}


def _modules() -> list[Path]:
    return sorted(
        path for folder in CODE for path in folder.rglob("*.py") if "migrations" not in path.parts
    )


def test_the_import_contracts_hold():
    # The use case, not importlinter.cli: the command line configures logging with dictConfig,
    # which disables every logger already made (ours included) for the rest of the session.
    configuration.configure()
    assert use_cases.lint_imports(config_filename=str(ROOT / "pyproject.toml"))


def test_no_module_is_longer_than_the_limit():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > MODULE_LINES
    }
    assert long == {}


def test_no_function_is_longer_than_the_limit():
    long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = lines
    assert long == {}


def test_there_is_no_grab_bag_module():
    assert [str(p) for p in _modules() if p.name in GRAB_BAGS] == []


def test_every_noqa_says_why():
    bare = []
    for path in _modules():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = re.search(r"# noqa(?::\s*[A-Z0-9, ]+)?(.*)$", line)
            if match and not match.group(1).strip(" -"):
                bare.append(f"{path.relative_to(ROOT)}:{number}")
    assert bare == [], f"{len(bare)} noqa comments without a reason"
