"""The controller's logic stays pure: no cluster client, no web server, no metrics imports."""

from __future__ import annotations

import ast
from pathlib import Path

import nto.controller

PACKAGE = Path(nto.controller.__file__).resolve().parent
FORBIDDEN = {"kopf", "kubernetes", "aiohttp", "prometheus_client", "nto_performance", "requests"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_no_forbidden_imports():
    offenders = {p.name: sorted(_imports(p) & FORBIDDEN) for p in PACKAGE.glob("*.py")}
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_every_module_has_a_docstring_and_stays_small():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        assert ast.get_docstring(tree), f"{path.name} lacks a module docstring"
        assert len(path.read_text().splitlines()) <= 400, f"{path.name} is past 400 lines"
